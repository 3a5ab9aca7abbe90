import { SingleBar, Presets } from 'cli-progress';
import Table from 'cli-table3';

/** Where the CLI writes: tables and lines to `out`, progress to `err` (a bar only on a terminal). */
export interface CliIo {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Colour (cli-table3's red head, grey borders) only on a terminal, and not with NO_COLOR (no-color.org). */
const coloured = (stream: { isTTY?: boolean }) => stream.isTTY === true && !process.env.NO_COLOR;

export function printTable(io: CliIo, head: string[], rows: Array<Array<string | number | null>>): void {
  const table = new Table({ head, ...(coloured(io.out) ? {} : { style: { head: [], border: [] } }) });
  for (const row of rows) table.push(row.map((v) => (v === null ? '' : String(v))));
  io.out.write(`${table.toString()}\n`);
}

/** A progress bar over `total` steps; a no-op when stderr is not a terminal (CI, pipes). */
export function progress(io: CliIo, total: number, label: string): { tick(): void; stop(): void } {
  if (!io.err.isTTY || total < 2) return { tick: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {eta_formatted}`, stream: io.err }, Presets.shades_classic);
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}
