import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { signedPush, specExample } from './qimen-push';

/**
 * Qimen as a fault test needs it: concurrent streams of signed pushes, drawn from a seed, of new
 * identities, repeats of an identity's latest judgment (the same bytes: a duplicate), changed judgments
 * (a new revision) and two simultaneous first pushes of one identity; every push and its answer recorded.
 * Like Qimen, it pushes an identity's judgment again until it is answered success (`settle`).
 */
export interface PushRecord {
  identity: number;
  externalOrderId: string;
  variant: number;
  bodySha256: string;
  status: number;
  /** The envelope, or `{ error: 'network' }` when no answer came. */
  json: any;
  /** When it was sent and how long its answer took (ms). */
  sentAt: number;
  ms: number;
}

interface Identity {
  variant: number;
  /** The latest variant was answered success. */
  acked: boolean;
}

type Op = { op: 'new' | 'repeat' | 'revise' | 'twin'; pick: number };

export const isSuccess = (r: Pick<PushRecord, 'json'>) => r.json?.error === '200' && r.json?.errorId === 'success';

export class QimenLoad {
  readonly records: PushRecord[] = [];
  private readonly identities: Identity[] = [];
  private readonly ops: Op[];
  private next = 0;

  constructor(private readonly baseUrl: string, seed: number, private readonly maxPushes: number) {
    const op = fc.record({ op: fc.constantFrom<Op['op']>('new', 'new', 'new', 'repeat', 'repeat', 'revise', 'twin'), pick: fc.nat() });
    this.ops = fc.sample(fc.array(op, { minLength: maxPushes, maxLength: maxPushes }), { seed, numRuns: 1 })[0];
  }

  /** The body of an identity's judgment `variant` (deterministic: a repeat sends the same bytes). */
  static body(identity: number, variant: number): { externalOrderId: string; bytes: Buffer } {
    const j = specExample();
    j.externalOrderId = `CHAOS-${identity}`;
    j.logisticsOrderNo = `LOGI-CHAOS-${identity}`;
    j.judgeResult.claimAmount = 10 + variant;
    return { externalOrderId: j.externalOrderId, bytes: Buffer.from(JSON.stringify(j), 'utf8') };
  }

  async push(identity: number, variant: number): Promise<PushRecord> {
    const { externalOrderId, bytes } = QimenLoad.body(identity, variant);
    const signed = signedPush(bytes);
    const record: PushRecord = { identity, externalOrderId, variant, bodySha256: createHash('sha256').update(bytes).digest('hex'), status: 0, json: { error: 'network' }, sentAt: Date.now(), ms: 0 };
    try {
      const res = await fetch(`${this.baseUrl}/qimen?${signed.query}`, { method: 'POST', body: signed.body, signal: AbortSignal.timeout(30_000) });
      record.status = res.status;
      record.json = await res.json();
    } catch (err) {
      record.json = { error: 'network', message: String(err) };
    }
    record.ms = Date.now() - record.sentAt;
    this.records.push(record);
    const id = this.identities[identity];
    if (id.variant === variant) id.acked = id.acked || isSuccess(record);
    return record;
  }

  /** A push of a new identity. */
  pushNew(): Promise<PushRecord> {
    return this.push(this.newIdentity(), 0);
  }

  private newIdentity(): number {
    this.identities.push({ variant: 0, acked: false });
    return this.identities.length - 1;
  }

  private async step(op: Op): Promise<void> {
    if (op.op === 'new' || this.identities.length === 0) {
      await this.push(this.newIdentity(), 0);
      return;
    }
    if (op.op === 'twin') {
      const i = this.newIdentity();
      await Promise.all([this.push(i, 0), this.push(i, 0)]);
      return;
    }
    const i = op.pick % this.identities.length;
    const id = this.identities[i];
    if (op.op === 'revise') {
      id.variant++;
      id.acked = false;
    }
    await this.push(i, id.variant);
  }

  /** `streams` concurrent pushers until `until()` or the plan's pushes are spent. */
  async run(streams: number, until: () => boolean): Promise<void> {
    await Promise.all(
      Array.from({ length: streams }, async () => {
        while (!until() && this.next < this.ops.length) await this.step(this.ops[this.next++]);
      }),
    );
  }

  /** Pushes every identity whose latest judgment was never answered success again, up to `tries` rounds. */
  async settle(tries: number, pauseMs: number): Promise<number> {
    for (let round = 0; round < tries; round++) {
      const open = this.identities.flatMap((id, i) => (id.acked ? [] : [i]));
      if (open.length === 0) return 0;
      for (const i of open) await this.push(i, this.identities[i].variant);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    return this.identities.filter((id) => !id.acked).length;
  }

  identityCount(): number {
    return this.identities.length;
  }
}
