/** Where the service deliberately decides a conformance case otherwise than the platform's code, and why. */
export interface Deliberate {
  accepts: boolean;
  rule: string;
}

/**
 * The service's expected verdict for each case (the platform code's, unless listed in `deliberate`) and a
 * test title that states it: "…: refused, as the SDK" or "…: accepted (looser than the SDK: …)".
 */
export function conformanceVerdicts<C extends { name: string }>(deliberate: Record<string, Deliberate>, platformAccepts: (c: C) => boolean, platform: string) {
  const verdict = (c: C): boolean => deliberate[c.name]?.accepts ?? platformAccepts(c);
  const title = (c: C): string => {
    const d = deliberate[c.name];
    return `${c.name}: ${verdict(c) ? 'accepted' : 'refused'}${d ? ` (${d.rule})` : `, as ${platform}`}`;
  };
  return { verdict, title };
}
