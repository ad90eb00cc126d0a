// Business rules report what is wrong instead of throwing: a rejected input is kept and explained,
// never silently dropped, and one pass reports every problem at once.

/** One thing wrong with a canonical object: where (JSON Pointer into the object) and what. */
export interface Problem {
  /** JSON Pointer (RFC 6901) to the offending value, relative to the checked object (`''` = the object). */
  readonly pointer: string;
  /** What is wrong, in words a developer integrating a system can act on. */
  readonly message: string;
}

/** The outcome of a rule set: empty means valid. */
export type Problems = readonly Problem[];

/** The shared result of every rule set that found nothing, so valid input allocates no array. */
export const noProblems: Problems = Object.freeze([]) as Problems;

/**
 * Appends a problem, creating the list on first use. Rules thread an `out` variable through this so the
 * valid path (the common one, tens of thousands per second) allocates nothing.
 */
export function addProblem(out: Problem[] | undefined, pointer: string, message: string): Problem[] {
  const list = out ?? [];
  list.push({ pointer, message });
  return list;
}

/** Escapes one JSON Pointer reference token (`~` → `~0`, `/` → `~1`). */
export function escapePointerToken(token: string): string {
  return token.includes('~') || token.includes('/') ? token.replaceAll('~', '~0').replaceAll('/', '~1') : token;
}

/** Prefixes every problem's pointer, e.g. to place an object's problems under `/data` of an event. */
export function prefixProblems(prefix: string, problems: Problems): Problem[] {
  const out: Problem[] = [];
  for (const p of problems) out.push({ pointer: prefix + p.pointer, message: p.message });
  return out;
}
