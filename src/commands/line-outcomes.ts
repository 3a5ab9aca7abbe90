/** What became of one line of a statement. */
export const OUTCOMES = ['matched', 'unmatched', 'duplicate', 'invalid'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface LineOutcome {
  line: number;
  outcome: Outcome;
  claimId: number | null;
  message: string;
}

/**
 * The outcome of every line of a statement, kept compactly (a statement may hold 100,000 lines): four
 * packed arrays of small integers and string references instead of an object per line. Messages are
 * mostly the same few strings, shared.
 */
export class LineOutcomes {
  private readonly lines: number[] = [];
  private readonly outcomes: number[] = [];
  /** -1: no claim. */
  private readonly claimIds: number[] = [];
  private readonly messages: string[] = [];

  get size(): number {
    return this.lines.length;
  }

  /** Adds a line (its outcome undecided: `invalid`, no message) and answers its index. */
  add(line: number): number {
    this.lines.push(line);
    this.outcomes.push(OUTCOMES.indexOf('invalid'));
    this.claimIds.push(-1);
    this.messages.push('');
    return this.lines.length - 1;
  }

  set(index: number, outcome: Outcome, claimId: number | null, message: string): void {
    this.outcomes[index] = OUTCOMES.indexOf(outcome);
    this.claimIds[index] = claimId ?? -1;
    this.messages[index] = message;
  }

  setMessage(index: number, message: string): void {
    this.messages[index] = message;
  }

  get(index: number): LineOutcome {
    const claimId = this.claimIds[index];
    return { line: this.lines[index], outcome: OUTCOMES[this.outcomes[index]], claimId: claimId === -1 ? null : claimId, message: this.messages[index] };
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
