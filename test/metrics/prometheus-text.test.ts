import { Counter, Histogram, Registry } from 'prom-client';
import { histogramDelta, histogramOf, parseExposition, quantileBound, sumOf } from '../support/prometheus-text';

/** The reader the bench and the scale test use on GET /metrics, checked on prom-client's own output. */
function registryWith() {
  const registry = new Registry();
  const pushes = new Counter({ name: 'pushes_total', help: 'h', labelNames: ['method', 'outcome'] as const, registers: [registry] });
  const latency = new Histogram({ name: 'latency_seconds', help: 'h', labelNames: ['outcome'] as const, buckets: [0.01, 0.1, 1], registers: [registry] });
  return { registry, pushes, latency };
}

describe('reading the Prometheus text exposition', () => {
  it('sums a counter over the labels left out and keeps those asked for apart', async () => {
    const { registry, pushes } = registryWith();
    pushes.labels('a', 'success').inc(3);
    pushes.labels('b', 'success').inc(4);
    pushes.labels('a', 'sign-check-failure').inc(2);
    const samples = parseExposition(await registry.metrics());
    expect(sumOf(samples, 'pushes_total', { outcome: 'success' })).toBe(7);
    expect(sumOf(samples, 'pushes_total', { method: 'a' })).toBe(5);
    expect(sumOf(samples, 'pushes_total')).toBe(9);
  });

  it('reads a labelled histogram whose le label comes first, as prom-client writes it', async () => {
    const { registry, latency } = registryWith();
    for (const s of [0.005, 0.05, 0.05, 0.5]) latency.labels('created').observe(s);
    latency.labels('duplicate').observe(2);
    const h = histogramOf(parseExposition(await registry.metrics()), 'latency_seconds', { outcome: 'created' });
    expect(h.buckets).toEqual([{ le: 0.01, count: 1 }, { le: 0.1, count: 3 }, { le: 1, count: 4 }, { le: Infinity, count: 4 }]);
    expect(h.count).toBe(4);
    expect(h.sum).toBeCloseTo(0.605, 10);
  });

  it('bounds a quantile of what was observed between two readings', async () => {
    const { registry, latency } = registryWith();
    latency.labels('created').observe(0.5);
    const before = histogramOf(parseExposition(await registry.metrics()), 'latency_seconds');
    for (let i = 0; i < 99; i++) latency.labels('created').observe(0.005);
    latency.labels('created').observe(5);
    const delta = histogramDelta(before, histogramOf(parseExposition(await registry.metrics()), 'latency_seconds'));
    expect(delta.count).toBe(100);
    expect(quantileBound(delta, 0.5)).toBe(0.01);
    expect(quantileBound(delta, 0.99)).toBe(0.01);
    expect(quantileBound(delta, 1)).toBe(Infinity);
    expect(quantileBound(histogramDelta(before, before), 0.5)).toBeNull();
  });

  it('unescapes label values and refuses a line that is not a sample', () => {
    const [sample] = parseExposition('# HELP x h\nx{path="a\\"b\\\\c\\nd"} 1.5\n');
    expect(sample).toEqual({ name: 'x', labels: { path: 'a"b\\c\nd' }, value: 1.5 });
    expect(() => parseExposition('x{path="a"} not-a-number-line here\n')).toThrow(/not a Prometheus sample line/);
  });
});
