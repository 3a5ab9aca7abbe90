import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The documentation travels with the project: every relative link of the README and docs/ reaches a file
 * of the repository (and a heading of it when the link names one), and nothing in the project points at
 * files outside the repository.
 */
const ROOT = resolve(__dirname, '..', '..');
const THIS_FILE = resolve(__filename);

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** Directories and root files whose text must not point outside the repository. */
const SCANNED_DIRS = ['src', 'test', 'bench', 'scripts', 'migrations', 'docs', '.ci'];
const SCANNED_ROOT_FILES = ['README.md', 'BENCHMARKS.md', 'SECURITY-AUDIT.md', 'ormconfig.ts', 'jest.config.js', 'package.json'];

/**
 * References to the build machine's shared directory or its files: the contract, the signing notes, the
 * specs, fixtures and conformance cases, and absolute paths of the build machine. `../shared/<module>`
 * imports of src/platforms/shared are code, not references, so only the shared directory's own entries match.
 */
const OUTSIDE_REFERENCES: ReadonlyArray<[string, RegExp]> = [
  ['the shared directory', /(?:\.\.\/)+shared(?:\/(?:specs|fixtures|conformance|hooks|[A-Z][A-Z-]*\.md)\b|(?=[\s`'")\]]|$))/],
  ['the shared specs, fixtures or conformance cases', /\bshared\/(?:specs|fixtures|conformance)\b/],
  ['the contract file', /\bINTERFACE\.md\b/],
  ['the signing notes file', /\bSIGNING\.md\b/],
  ['the architecture sketch file', /\bARCHITECTURE\.md\b/],
  ['an absolute path of the build machine', /(?:^|[\s`'"(=:])\/work\//m],
];

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(path);
    return entry.isFile() ? [path] : [];
  });
}

/** The text outside fenced code blocks and inline code spans, where a link is a link. */
function proseOf(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

function linksOf(markdown: string): string[] {
  return [...proseOf(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutFences = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe('links of the README and docs/', () => {
  it('finds the documents to check', () => {
    expect(DOCS).toEqual(expect.arrayContaining(['README.md', join('docs', 'http-contract.md'), join('docs', 'signing.md')]));
  });

  it.each(DOCS)('%s links only to files inside the repository that exist', (doc) => {
    const from = join(ROOT, doc);
    const broken = linksOf(readFileSync(from, 'utf8'))
      .filter((target) => !isExternal(target) && !target.startsWith('#'))
      .filter((target) => {
        const path = resolve(dirname(from), decodeURI(target.split('#')[0]));
        return !(path === ROOT || path.startsWith(ROOT + sep)) || !existsSync(path);
      });
    expect(broken).toEqual([]);
  });

  it.each(DOCS)('%s names only headings that exist in the document it links to', (doc) => {
    const from = join(ROOT, doc);
    const missing = linksOf(readFileSync(from, 'utf8'))
      .filter((target) => !isExternal(target) && target.includes('#'))
      .filter((target) => {
        const [file, anchor] = target.split('#');
        const path = file === '' ? from : resolve(dirname(from), decodeURI(file));
        if (!path.endsWith('.md') || !existsSync(path) || !statSync(path).isFile()) return false; // the file test reports it
        return !anchorsOf(readFileSync(path, 'utf8')).has(decodeURIComponent(anchor));
      });
    expect(missing).toEqual([]);
  });

  it('README links to no address outside the repository', () => {
    expect(linksOf(readFileSync(join(ROOT, 'README.md'), 'utf8')).filter(isExternal)).toEqual([]);
  });
});

describe('references outside the repository', () => {
  const files = [...SCANNED_DIRS.flatMap((d) => walk(join(ROOT, d))), ...SCANNED_ROOT_FILES.map((f) => join(ROOT, f))]
    .filter((f) => existsSync(f) && resolve(f) !== THIS_FILE);

  it('scans the source, tests, bench, scripts, migrations and docs', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toEqual(expect.arrayContaining([join(ROOT, 'src', 'main.ts'), join(ROOT, 'README.md')]));
  });

  it.each(OUTSIDE_REFERENCES)('no file mentions %s', (_what, pattern) => {
    const hits = files
      .filter((f) => pattern.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(hits).toEqual([]);
  });

  it('does not mistake an import of src/platforms/shared for a reference to the shared directory', () => {
    const [, sharedDirectory] = OUTSIDE_REFERENCES[0];
    expect(sharedDirectory.test("import { redactKeys } from '../shared/redact';")).toBe(false);
    expect(sharedDirectory.test('see ../shared/INTERFACE.md')).toBe(true);
    expect(sharedDirectory.test('the contract in `../shared`')).toBe(true);
  });
});
