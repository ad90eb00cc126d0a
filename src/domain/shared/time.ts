// Timestamps differ in fractional digits (`…:00Z` vs `…:00.5Z`), so string order is not time order.
// These helpers compare instants as numbers; they parse, they never read the clock.

/** Milliseconds since the epoch of an ISO 8601 UTC timestamp (NaN if unparsable). */
export function instantMs(timestamp: string): number {
  return Date.parse(timestamp);
}

/** Whether instant `a` is strictly before instant `b`. */
export function isBefore(a: string, b: string): boolean {
  return Date.parse(a) < Date.parse(b);
}
