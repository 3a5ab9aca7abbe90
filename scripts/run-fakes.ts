import { fakesConfig, startFakes } from '../test/support/platform-fakes';

/**
 * `npm run fakes`: the four fake platforms on loopback for local development. Prints a config whose
 * `platforms` and `routes` point at them; save it as claim-relay.config.json (add `qimen.apps`) and
 * `npm start` files real claims against the fakes. Ctrl-C stops them.
 */
async function main(): Promise<void> {
  const fakes = await startFakes();
  const { platforms, routes, dispatch } = fakesConfig(fakes, { callbackUrl: `http://127.0.0.1:${process.env.PORT ?? 3000}/callbacks/shopex` });
  const config = { qimen: { apps: [{ appKey: '12345678', secret: 'testsecret0123456789abcdef012345' }] }, platforms, routes, dispatch };
  process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
  process.stderr.write('fake platforms running on 127.0.0.1; Ctrl-C to stop\n');
  const stop = () => fakes.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
