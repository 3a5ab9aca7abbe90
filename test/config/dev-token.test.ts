import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_TOKEN_FILE, developmentDataDir, developmentFinanceToken, devTokenLine, tokenOfDevTokenLine, withDevelopmentToken } from '../../src/config/dev-token';
import { parseConfig } from '../../src/config/load';

const scratch = () => mkdtempSync(join(tmpdir(), 'dev-token-'));

describe('the development finance token', () => {
  it('is made once, random, and kept in the data directory with mode 0600', () => {
    const dir = scratch();
    const token = developmentFinanceToken(dir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(join(dir, DEV_TOKEN_FILE), 'utf8').trim()).toBe(token);
    expect(statSync(join(dir, DEV_TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(developmentFinanceToken(scratch())).not.toBe(token);
  });

  it('is the same token at the next start', () => {
    const dir = scratch();
    expect(developmentFinanceToken(dir)).toBe(developmentFinanceToken(dir));
  });

  it('replaces a file that does not hold a token', () => {
    const dir = scratch();
    writeFileSync(join(dir, DEV_TOKEN_FILE), 'x\n', { mode: 0o644 });
    const token = developmentFinanceToken(dir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(join(dir, DEV_TOKEN_FILE), 'utf8').trim()).toBe(token);
    expect(statSync(join(dir, DEV_TOKEN_FILE)).mode & 0o777).toBe(0o600);
  });

  it('lives beside the SQLite file, or in ./data for MySQL', () => {
    expect(developmentDataDir('sqlite:./data/claim-relay.sqlite', '/srv/app')).toBe('/srv/app/data');
    expect(developmentDataDir('sqlite:/var/lib/cr/db.sqlite', '/srv/app')).toBe('/var/lib/cr');
    expect(developmentDataDir('mysql://root@127.0.0.1:3306/cr', '/srv/app')).toBe('/srv/app/data');
  });

  it('is added to the config as an operator token named "development"', () => {
    const config = withDevelopmentToken(parseConfig({ qimen: { apps: [{ appKey: 'k', secret: 's' }] } }), 'tok');
    expect(config.finance.tokens).toEqual([{ name: 'development', token: 'tok', role: 'operator' }]);
  });

  it('is shown on one line that names the page, and read back from it', () => {
    const line = devTokenLine(3000, 'abc_DEF-123');
    expect(line).toBe('finance page: http://localhost:3000/finance/ — development token: abc_DEF-123');
    expect(tokenOfDevTokenLine(line)).toBe('abc_DEF-123');
    expect(tokenOfDevTokenLine('claim-relay listening')).toBeNull();
  });
});
