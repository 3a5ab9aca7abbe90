import type { LineNote, LineNoteId } from '../domain/settlement-line';

/** What became of one line of a statement. */
export const OUTCOMES = ['matched', 'unmatched', 'duplicate', 'invalid'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface LineOutcome {
  line: number;
  outcome: Outcome;
  claimId: number | null;
  /** English, as the report always said it; '' for a plain match. */
  message: string;
  /** The note's stable id (src/domain/settlement-line.ts LINE_NOTES) and parameters; null for a plain match. */
  messageId: LineNoteId | null;
  params: Record<string, string | number> | null;
}

/** Lines per chunk: the arrays grow a chunk at a time, never copied, each chunk small enough for the heap's ordinary pages. */
const CHUNK = 4096;
const INVALID = OUTCOMES.indexOf('invalid');

interface Chunk {
  lines: Float64Array;
  outcomes: Uint8Array;
  /** -1: no claim. */
  claimIds: Float64Array;
  /** The line's note; null for a plain match (most lines share the few notes without parameters). */
  notes: Array<LineNote | null>;
}

const newChunk = (): Chunk => ({
  lines: new Float64Array(CHUNK), outcomes: new Uint8Array(CHUNK), claimIds: new Float64Array(CHUNK), notes: new Array<LineNote | null>(CHUNK).fill(null),
});

/**
 * The outcome of every line of a statement, kept compactly (a statement may hold 100,000 lines): packed
 * arrays of numbers and string references instead of an object per line, in fixed chunks (a growing array
 * would be copied each time it grows, the old copies left for a major collection). Notes are mostly the
 * same few objects, shared.
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
    chunk.notes[i] = null;
    return index;
  }

  set(index: number, outcome: Outcome, claimId: number | null, note: LineNote | null): void {
    const chunk = this.chunkOf(index);
    const i = index % CHUNK;
    chunk.outcomes[i] = OUTCOMES.indexOf(outcome);
    chunk.claimIds[i] = claimId ?? -1;
    chunk.notes[i] = note;
  }

  setNote(index: number, note: LineNote): void {
    this.chunkOf(index).notes[index % CHUNK] = note;
  }

  get(index: number): LineOutcome {
    const chunk = this.chunkOf(index);
    const i = index % CHUNK;
    const claimId = chunk.claimIds[i];
    const note = chunk.notes[i];
    return {
      line: chunk.lines[i], outcome: OUTCOMES[chunk.outcomes[i]], claimId: claimId === -1 ? null : claimId,
      message: note?.message ?? '', messageId: note?.id ?? null, params: note?.params ?? null,
    };
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
