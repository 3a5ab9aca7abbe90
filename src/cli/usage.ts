/** The CLI's exit codes (docs/cli.md). */
export const EXIT = { done: 0, failed: 1, usage: 2 } as const;

/** A value the command cannot use (an unknown route…): one line on stderr, exit 2, nothing changed. */
export class UsageError extends Error {}
