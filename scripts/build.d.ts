/** Types of scripts/build.js (plain JavaScript: it runs before anything is compiled). */
export interface BuildOptions {
  /** Keep a build whose only fault is type errors (no stamp is written then). */
  tolerateTypeErrors?: boolean;
  /** Progress lines ("compiling…", "compiled in 9.1 s"). */
  log?: (line: string) => void;
}
/** Compiles unless dist/ is newer than every source; answers what it did. */
export function ensureBuilt(options?: BuildOptions): string;
/** Compiles now; answers what it did. */
export function compile(options?: BuildOptions): string;
