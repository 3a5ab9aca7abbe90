import { ViewCache } from '../../src/api/view-cache';

/** ViewCache (src/api/view-cache.ts): the aggregate views' answers shared by requests, read again when old. */
describe('ViewCache', () => {
  const now = () => new Date();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** A read that answers how many times it ran. */
  const counter = () => {
    let reads = 0;
    return { read: async () => ++reads, reads: () => reads };
  };

  it('reads on every request when its time to live is 0', async () => {
    const views = new ViewCache(0);
    const c = counter();
    await views.get('v', now, c.read);
    await views.get('v', now, c.read);
    expect(c.reads()).toBe(2);
  });

  it('reads a view and filter once for requests made while it is being read', async () => {
    const views = new ViewCache(60_000);
    let reads = 0;
    const slow = async () => { reads++; await sleep(30); return reads; };
    const answers = await Promise.all([1, 2, 3].map(() => views.get('v', now, slow)));
    expect([reads, answers.map((a) => a.value)]).toEqual([1, [1, 1, 1]]);
  });

  it('keeps each key apart', async () => {
    const views = new ViewCache(60_000);
    const c = counter();
    expect([(await views.get('a', now, c.read)).value, (await views.get('b', now, c.read)).value]).toEqual([1, 2]);
  });

  it('answers an old answer at once while it reads a fresh one, then answers the fresh one', async () => {
    const views = new ViewCache(20);
    const c = counter();
    await views.get('v', now, c.read);
    await sleep(40);
    expect((await views.get('v', now, c.read)).value).toBe(1);
    await sleep(5);
    expect((await views.get('v', now, c.read)).value).toBe(2);
  });

  it('keeps the last answer when a fresh read fails, and fails a first read', async () => {
    const views = new ViewCache(20);
    await views.get('v', now, async () => 'first');
    await sleep(40);
    const failing = async (): Promise<string> => { throw new Error('database gone'); };
    expect((await views.get('v', now, failing)).value).toBe('first');
    await expect(views.get('other', now, failing)).rejects.toThrow('database gone');
  });

  it('reads again after clear()', async () => {
    const views = new ViewCache(60_000);
    const c = counter();
    await views.get('v', now, c.read);
    views.clear();
    expect((await views.get('v', now, c.read)).value).toBe(2);
  });

  it('says when the answer it gives was read', async () => {
    const views = new ViewCache(60_000);
    const at = new Date('2026-03-01T00:00:00Z');
    const first = await views.get('v', () => at, async () => 1);
    const second = await views.get('v', () => new Date(), async () => 2);
    expect([first.asOf, second.asOf]).toEqual([at, at]);
  });
});
