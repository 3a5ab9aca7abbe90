import type { DataSource } from 'typeorm';
import { createLogger } from '../../src/logging';
import { describeDatabase, isUnreachable, openWhenReachable, RETRY_MAX_MS, retryDelayMs } from '../../src/wait-for-database';

const logger = createLogger({ level: 'silent' });
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
const fakeDataSource = {} as DataSource;

describe('waiting for an unreachable database at start', () => {
  it('doubles the wait after each failed attempt, up to the cap', () => {
    const waits = Array.from({ length: 12 }, (_, i) => retryDelayMs(i + 1));
    expect(waits.slice(0, 4)).toEqual([250, 500, 1000, 2000]);
    expect(Math.max(...waits)).toBe(RETRY_MAX_MS);
    expect(retryDelayMs(1000)).toBe(RETRY_MAX_MS);
  });

  it('retries network and server-starting errors, not a refused login or a missing database', () => {
    expect(isUnreachable(refused())).toBe(true);
    expect(isUnreachable({ code: 'PROTOCOL_CONNECTION_LOST' })).toBe(true);
    expect(isUnreachable({ driverError: { code: 'ETIMEDOUT' } })).toBe(true);
    expect(isUnreachable({ code: 'ER_ACCESS_DENIED_ERROR' })).toBe(false);
    expect(isUnreachable({ code: 'ER_BAD_DB_ERROR' })).toBe(false);
    expect(isUnreachable(new Error('DATABASE_URL must start with sqlite: or mysql://'))).toBe(false);
  });

  it('names the database in logs without its user or password', () => {
    expect(describeDatabase('mysql://relay:s3cret@db.internal:3307/claims')).toBe('mysql://db.internal:3307/claims');
    expect(describeDatabase('sqlite:./data/x.sqlite')).toBe('sqlite:./data/x.sqlite');
  });

  it('tries again until the database answers, then returns it', async () => {
    let attempts = 0;
    const open = async () => {
      attempts++;
      if (attempts < 3) throw refused();
      return fakeDataSource;
    };
    const opened = await openWhenReachable(open, { logger, database: 'mysql://h/db', signal: new AbortController().signal });
    expect(opened).toBe(fakeDataSource);
    expect(attempts).toBe(3);
  });

  it('stops the start on an error a retry would not cure', async () => {
    const open = async (): Promise<DataSource> => {
      throw Object.assign(new Error("Access denied for user 'relay'"), { code: 'ER_ACCESS_DENIED_ERROR' });
    };
    await expect(openWhenReachable(open, { logger, database: 'mysql://h/db', signal: new AbortController().signal })).rejects.toThrow('Access denied');
  });

  it('gives up waiting, with null, once the process is stopping', async () => {
    const stopping = new AbortController();
    const open = async (): Promise<DataSource> => {
      stopping.abort();
      throw refused();
    };
    await expect(openWhenReachable(open, { logger, database: 'mysql://h/db', signal: stopping.signal })).resolves.toBeNull();
  });
});
