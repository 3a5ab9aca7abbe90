import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakesConfig, startFakes } from '../test/support/platform-fakes';
import { LOOPBACK } from './support';

/**
 * The four fake platforms (test/fakes) in a process of their own, for scenario E of `npm run bench`: the
 * dispatch workers' CPU is then measured apart from the fakes'. Prints one JSON line on stdout,
 * `{"platforms": {…the config's platforms…}, "control": <port>}`, then serves on 127.0.0.1:<control>:
 *   GET  /summary  per fake: requests received, and distinct claims among them (the key each claim is unique by)
 *   POST /reset    forgets every recorded request and everything the fakes hold (between rounds)
 * SIGTERM / SIGINT close the fakes and exit.
 *
 *   node dist/bench/fakes-server.js
 */

/** What identifies one claim in a platform's request (the seeded claims make these unique). */
const CLAIM_KEY: Record<string, (body: unknown) => string | undefined> = {
  glitzcloud: (b) => (b as { connect_order_sn?: string } | null)?.connect_order_sn,
  duobaoyu: (b) => (b as { orderItemId?: string } | null)?.orderItemId,
  shopex: (b) => (b as { aftersale_id?: string } | null)?.aftersale_id,
  appintf: (b) => (b as { orderId?: string } | null)?.orderId,
};

export interface FakesSummary {
  [platform: string]: { requests: number; distinct: number };
}

async function main(): Promise<void> {
  const fakes = await startFakes();
  const servers = { glitzcloud: fakes.glitzcloud, shopex: fakes.shopex, duobaoyu: fakes.duobaoyu, appintf: fakes.appintf };

  const summary = (): FakesSummary =>
    Object.fromEntries(
      Object.entries(servers).map(([name, fake]) => {
        const keys = new Set(fake.requests.map((r) => CLAIM_KEY[name](r.body) ?? `(no key) ${r.rawBody}`));
        return [name, { requests: fake.requests.length, distinct: keys.size }];
      }),
    );
  const reset = () => {
    for (const fake of Object.values(servers)) fake.requests.length = 0;
    fakes.glitzcloud.orders.length = 0;
    fakes.duobaoyu.afterSales.length = 0;
  };

  const control = createServer((req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    req.resume();
    if (req.method === 'GET' && req.url === '/summary') return reply(200, summary());
    if (req.method === 'POST' && req.url === '/reset') {
      reset();
      return reply(200, { ok: true });
    }
    reply(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => control.listen(0, LOOPBACK, resolve));

  const { platforms } = fakesConfig(fakes);
  process.stdout.write(`${JSON.stringify({ platforms, control: (control.address() as AddressInfo).port })}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    control.close();
    void fakes.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`fakes-server failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
