/**
 * Every stable error code Weft can answer with. The code is the contract: clients and operators
 * match on it, so a code is never renamed or reused. `docs/errors.md` lists each one (a test checks).
 */
export const errorCatalogue = {
  // Request shape (HTTP API and CLI input)
  malformed_json: { status: 400, title: 'Malformed JSON', retryable: false },
  malformed_request: { status: 400, title: 'Malformed request', retryable: false },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', retryable: false },
  payload_too_large: { status: 413, title: 'Payload too large', retryable: false },
  batch_too_large: { status: 413, title: 'Batch too large', retryable: false },
  not_found: { status: 404, title: 'Not found', retryable: false },
  // Credentials
  unauthenticated: { status: 401, title: 'Credentials required', retryable: false },
  invalid_credentials: { status: 401, title: 'Invalid credentials', retryable: false },
  credentials_revoked: { status: 401, title: 'Credentials revoked', retryable: false },
  insufficient_scope: { status: 403, title: 'Insufficient scope', retryable: false },
  // Content
  schema_violation: { status: 422, title: 'Schema violation', retryable: false },
  unknown_event_type: { status: 422, title: 'Unknown event type', retryable: false },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused with a different request', retryable: false },
  invalid_idempotency_key: { status: 400, title: 'Invalid Idempotency-Key header', retryable: false },
  event_id_conflict: { status: 409, title: 'Event id already used for a different event', retryable: false },
  version_conflict: { status: 409, title: 'Subject version conflict', retryable: true },
  // Capacity and availability
  overloaded: { status: 503, title: 'Over capacity', retryable: true },
  rate_limited: { status: 429, title: 'Too many requests', retryable: true },
  shutting_down: { status: 503, title: 'Shutting down', retryable: true },
  store_unavailable: { status: 503, title: 'Store unavailable', retryable: true },
  // Configuration and start-up
  invalid_config: { status: 500, title: 'Invalid configuration', retryable: false },
  store_incompatible: { status: 500, title: 'Store schema incompatible', retryable: false },
  // Anything we did not foresee
  internal: { status: 500, title: 'Internal error', retryable: false },
} as const satisfies Record<string, { status: number; title: string; retryable: boolean }>;

/** A stable error code from the catalogue. */
export type ErrorCode = keyof typeof errorCatalogue;

/** Whether a string is a known error code. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCatalogue, value);
}
