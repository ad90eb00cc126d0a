/** What a secret looks like wherever Weft shows it. */
export const MASK = '***';

// Header names that carry credentials by convention. Idempotency-Key is deliberately not among
// them: it is no secret and a dry run should show it.
const SENSITIVE_HEADER = /authorization|cookie|api[-_]?key|access[-_]?key|secret|token|password|passwd|signature|session/i;

/** A secret as it may be shown: `***`, or empty when it is empty (so "unset" stays visible). */
export function maskSecret(value: string): string {
  return value === '' ? '' : MASK;
}

/** Whether a header name conventionally carries a credential (Authorization, X-Api-Key, Cookie…). */
export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

/**
 * A copy of headers safe to show: credentials masked, the auth scheme of Authorization kept
 * (`Bearer ***`). `alsoMask` names further headers to mask (compared case-insensitively).
 */
export function maskHeaders(headers: Readonly<Record<string, string>>, alsoMask: readonly string[] = []): Record<string, string> {
  const extra = new Set(alsoMask.map((name) => name.toLowerCase()));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      const scheme = /^(\S+)\s+\S/.exec(value)?.[1];
      out[name] = scheme === undefined ? maskSecret(value) : `${scheme} ${MASK}`;
    } else if (extra.has(lower) || isSensitiveHeader(lower)) {
      out[name] = maskSecret(value);
    } else {
      out[name] = value;
    }
  }
  return out;
}
