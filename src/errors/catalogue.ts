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
  // Delivery to target systems (recorded on commands and dead letters; retryable ones are retried)
  target_timeout: { status: 504, title: 'Target did not answer in time', retryable: true },
  target_unreachable: { status: 502, title: 'Target unreachable', retryable: true },
  target_throttled: { status: 503, title: 'Target throttled the request', retryable: true },
  target_unavailable: { status: 502, title: 'Target failed or unavailable', retryable: true },
  target_rejected: { status: 502, title: 'Target rejected the request', retryable: false },
  target_auth_failed: { status: 502, title: 'Target refused the credentials', retryable: false },
  unknown_target: { status: 422, title: 'Unknown target system', retryable: false },
  unknown_action: { status: 422, title: 'Unknown connector action', retryable: false },
  command_invalid: { status: 422, title: 'Command cannot be turned into a request', retryable: false },
  attempts_exhausted: { status: 502, title: 'Delivery attempts exhausted', retryable: false },
  delivery_expired: { status: 502, title: 'Delivery too old to retry', retryable: false },
  not_dead_letter: { status: 409, title: 'Command is not a dead letter', retryable: false },
  // Inbound webhooks and mappings (a rejected webhook is recorded with its reason)
  unknown_source: { status: 404, title: 'Unknown source system', retryable: false },
  webhook_signature_invalid: { status: 401, title: 'Webhook signature invalid', retryable: false },
  webhook_stale: { status: 401, title: 'Webhook timestamp too old', retryable: false },
  webhook_malformed: { status: 400, title: 'Webhook cannot be decoded', retryable: false },
  mapping_failed: { status: 422, title: 'Payload cannot be mapped to the canonical model', retryable: false },
  source_unavailable: { status: 502, title: 'Source system unavailable', retryable: true },
  // Processes and their tasks for people
  task_not_open: { status: 409, title: 'Task is not open', retryable: false },
  // Inventory
  unknown_channel: { status: 422, title: 'Unknown inventory channel', retryable: false },
  insufficient_stock: { status: 409, title: 'Not enough stock to reserve', retryable: false },
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
