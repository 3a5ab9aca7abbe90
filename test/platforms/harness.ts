/** Shared fixtures for the platform client tests: a claim, and the transport fault cases every client meets. */
import { createServer } from 'node:net';
import type { OutgoingClaim, SendResult } from '../../src/platforms/types';
import type { FaultKind } from '../fakes/fake-server';

/** Short, so that timeout tests stay fast. */
export const TEST_TIMEOUT_MS = 250;

export function claimOf(fields: Record<string, unknown>, overrides: Partial<OutgoingClaim> = {}): OutgoingClaim {
  return {
    claimId: 42,
    workOrderId: 10000001,
    amountMinor: 8990,
    currency: 'CNY',
    fields,
    createdAt: new Date('2024-01-01T19:04:05Z'), // 2024-01-02 03:04:05 in Beijing
    ...overrides,
  };
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface FaultHarness {
  send(): Promise<SendResult>;
  failNext(n: number, kind: FaultKind): void;
}

/** The transport faults of docs/http-contract.md "Retries", one test each, for any client and its fake. */
export function itClassifiesTransportFaults(harness: () => FaultHarness): void {
  it('answers HTTP 500 as retryable and ambiguous (the platform may have stored it)', async () => {
    harness().failNext(1, 'http500');
    const { outcome, exchange } = await harness().send();
    expect(outcome).toMatchObject({ kind: 'retryable', code: 'http_500', ambiguous: true });
    expect(exchange?.response.status).toBe(500);
  });

  it('answers HTTP 429 as retryable and not ambiguous', async () => {
    harness().failNext(1, 'http429');
    expect((await harness().send()).outcome).toMatchObject({ kind: 'retryable', code: 'http_429', ambiguous: false });
  });

  it('answers a hang past requestTimeoutMs as a retryable, ambiguous timeout', async () => {
    harness().failNext(1, 'hang');
    const started = Date.now();
    const { outcome, exchange } = await harness().send();
    expect(outcome).toMatchObject({ kind: 'retryable', code: 'timeout', ambiguous: true });
    expect(Date.now() - started).toBeLessThan(TEST_TIMEOUT_MS + 1500); // undici's timers tick at ~0.5–1 s
    expect(exchange?.response).toEqual({ status: null, body: null });
  });

  it('answers a non-JSON 200 body as retryable and ambiguous', async () => {
    harness().failNext(1, 'nonjson');
    expect((await harness().send()).outcome).toMatchObject({ kind: 'retryable', code: 'invalid_response', ambiguous: true });
  });

  it('answers a truncated body as retryable and ambiguous', async () => {
    harness().failNext(1, 'truncated');
    expect((await harness().send()).outcome).toMatchObject({ kind: 'retryable', ambiguous: true });
  });

  it('answers a connection reset as retryable and ambiguous', async () => {
    harness().failNext(1, 'reset');
    expect((await harness().send()).outcome).toMatchObject({ kind: 'retryable', code: 'network', ambiguous: true });
  });
}
