/** What became of one line of a statement. */
export const OUTCOMES = ['matched', 'unmatched', 'duplicate', 'invalid'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface LineOutcome {
  line: number;
  outcome: Outcome;
  claimId: number | null;
  message: string;
}

/** Lines per chunk: the arrays grow a chunk at a time, never copied, each chunk small enough for the heap's ordinary pages. */
const CHUNK = 4096;
const INVALID = OUTCOMES.indexOf('invalid');

interface Chunk {
  lines: Float64Array;
  outcomes: Uint8Array;
  /** -1: no claim. */
  claimIds: Float64Array;
  messages: string[];
}

const newChunk = (): Chunk => ({
  lines: new Float64Array(CHUNK), outcomes: new Uint8Array(CHUNK), claimIds: new Float64Array(CHUNK), messages: new Array<string>(CHUNK).fill(''),
});

/**
 * The outcome of every line of a statement, kept compactly (a statement may hold 100,000 lines): packed
 * arrays of numbers and string references instead of an object per line, in fixed chunks (a growing array
 * would be copied each time it grows, the old copies left for a major collection). Messages are mostly the
 * same few strings, shared.
 */
export class LineOutcomes {
  private readonly chunks: Chunk[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a line (its outcome undecided: `invalid`, no message) and answers its index. */
  add(line: number): number {
    const index = this.count++;
    if (index % CHUNK === 0) this.chunks.push(newChunk());
    const chunk = this.chunkOf(index);
    const i = index % CHUNK;
    chunk.lines[i] = line;
    chunk.outcomes[i] = INVALID;
    chunk.claimIds[i] = -1;
    chunk.messages[i] = '';
    return index;
  }

  set(index: number, outcome: Outcome, claimId: number | null, message: string): void {
    const chunk = this.chunkOf(index);
    const i = index % CHUNK;
    chunk.outcomes[i] = OUTCOMES.indexOf(outcome);
    chunk.claimIds[i] = claimId ?? -1;
    chunk.messages[i] = message;
  }

  setMessage(index: number, message: string): void {
    this.chunkOf(index).messages[index % CHUNK] = message;
  }

  get(index: number): LineOutcome {
    const chunk = this.chunkOf(index);
    const i = index % CHUNK;
    const claimId = chunk.claimIds[i];
    return { line: chunk.lines[i], outcome: OUTCOMES[chunk.outcomes[i]], claimId: claimId === -1 ? null : claimId, message: chunk.messages[i] };
  }

  private chunkOf(index: number): Chunk {
    if (!(index >= 0 && index < this.count)) throw new RangeError(`line index ${index} out of 0..${this.count - 1}`);
    return this.chunks[Math.floor(index / CHUNK)];
  }

  /** The lines as JSON array text, in chunks of `per` lines (for a streamed answer). */
  *jsonChunks(per = 1000): Generator<string> {
    for (let i = 0; i < this.size; i += per) {
      const items: string[] = [];
      for (let j = i; j < Math.min(i + per, this.size); j++) items.push(JSON.stringify(this.get(j)));
      yield (i === 0 ? '' : ',') + items.join(',');
    }
  }
}
