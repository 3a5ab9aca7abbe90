import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { registry } from './registry';

/**
 * /metrics when several processes serve one port (src/cluster/primary.ts): the process a scrape reaches
 * asks the primary, which gathers every process's counters, histograms and pool gauges and sums them
 * (prom-client's AggregatorRegistry); the database gauges (claims by status, outbox lag) describe the one
 * database, so they are left out of the sum and taken from the answering process, refreshed for this scrape.
 */

/** This process is one of several the primary of src/cluster/primary.ts started (it sets CLAIM_RELAY_PROCESSES). */
export const IN_CLUSTER = cluster.isWorker && Number(process.env.CLAIM_RELAY_PROCESSES) > 1;

const REQUEST = 'claim-relay:metrics-request';
const ANSWER = 'claim-relay:metrics-answer';
/** Metrics of the database, not of a process: not summed. */
export const DATABASE_GAUGES = ['claim_relay_claims', 'claim_relay_outbox_lag_seconds'];
/** How long a scrape waits for the primary and the other processes. */
const ANSWER_TIMEOUT_MS = 5000;

interface Answer {
  type: typeof ANSWER;
  id: number;
  body?: string;
  error?: string;
}

/** In a cluster worker: answers the primary's requests for this process's metrics (prom-client's own messages). */
export function shareMetricsWithPrimary(): void {
  new AggregatorRegistry(); // installs prom-client's worker-side listener
  AggregatorRegistry.setRegistries([registry]);
}

/** In the primary: answers a worker's request for the whole cluster's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== REQUEST) return;
    const answer = (a: Omit<Answer, 'type' | 'id'>) => worker.isConnected() && worker.send({ type: ANSWER, id: message.id, ...a });
    aggregator.clusterMetrics().then((body) => answer({ body }), (err: Error) => answer({ error: err.message }));
  });
}

let nextId = 0;

/** In a cluster worker: the Prometheus text of every process, summed, with this process's database gauges. */
export async function clusterMetricsText(): Promise<string> {
  const id = nextId++;
  const summed = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no metrics from the cluster within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
    const onMessage = (message: Answer) => {
      if (message?.type !== ANSWER || message.id !== id) return;
      if (message.error !== undefined) done(new Error(message.error));
      else done(null, message.body ?? '');
    };
    function done(err: Error | null, body?: string) {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (err) reject(err);
      else resolve(body!);
    }
    process.on('message', onMessage);
    process.send!({ type: REQUEST, id });
  });
  const own = await Promise.all(DATABASE_GAUGES.map((name) => registry.getSingleMetricAsString(name)));
  return `${withoutMetrics(summed, DATABASE_GAUGES)}${own.map((text) => `${text}\n`).join('')}`;
}

/** Prometheus text without the named metrics (their HELP, TYPE and sample lines). */
export function withoutMetrics(text: string, names: readonly string[]): string {
  const dropped = (line: string) =>
    names.some((name) => line.startsWith(`# HELP ${name} `) || line.startsWith(`# TYPE ${name} `) || line.startsWith(`${name} `) || line.startsWith(`${name}{`));
  const kept = text.split('\n').filter((line) => line !== '' && !dropped(line));
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
