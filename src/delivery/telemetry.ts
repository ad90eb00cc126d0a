// What the delivery engine reports. The hub's logger (pino) and metrics (src/telemetry) satisfy
// these; tests pass small recorders.

/** Structured log lines: fields first, then the message (pino's argument order). */
export interface DeliveryLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Delivery measurements. */
export interface DeliveryMetrics {
  /** One attempt finished: `done`, `retry` or `dead`, and how long it took. */
  delivered(target: string, action: string, outcome: 'done' | 'retry' | 'dead', durationMs: number): void;
  /** A target's circuit breaker changed state. */
  breakerState(target: string, state: 'closed' | 'open' | 'half_open'): void;
}
