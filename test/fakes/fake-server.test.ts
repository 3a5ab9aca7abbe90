/** The fakes' shared plumbing (test/fakes/fake-server.ts): fixed ports and pauses that end on close. */
import { createServer } from 'node:net';
import { freePort } from '../support/built-service';
import { closableSleeps, PortTakenError, startFakeServer } from './fake-server';

describe('fake server plumbing', () => {
  it('listens on a fixed port when given one', async () => {
    const port = await freePort();
    const fake = await startFakeServer(() => ({ body: 'ok' }), port);
    try {
      expect(fake.origin).toBe(`http://127.0.0.1:${port}`);
      expect(await (await fetch(`${fake.origin}/x`)).text()).toBe('ok');
    } finally {
      await fake.close();
    }
  });

  it('rejects with PortTakenError when the fixed port is taken', async () => {
    const holder = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startFakeServer(() => ({ body: 'ok' }), port)).rejects.toEqual(new PortTakenError(port));
    } finally {
      holder.close();
    }
  });

  it('ends a pause asked for after close at once (a loop that was mid-request when the fake closed)', async () => {
    const sleeps = closableSleeps();
    sleeps.close();
    let timer: NodeJS.Timeout | undefined;
    const stillWaiting = new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting'), 1000)));
    await expect(Promise.race([sleeps.sleep(60_000), stillWaiting])).resolves.toBe(false);
    clearTimeout(timer);
  });
});
