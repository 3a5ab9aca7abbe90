/**
 * The config `npm start` uses when no file is given: one Qimen app whose key and secret are the test
 * values of docs/signing.md (so the README's example push verifies), no platforms, no routes.
 * Never use it in production: anyone who has read docs/signing.md can sign for it.
 */
export const DEVELOPMENT_CONFIG = {
  qimen: { apps: [{ appKey: '12345678', secret: 'testsecret0123456789abcdef012345' }] },
};
