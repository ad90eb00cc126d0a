import pino, { type Logger } from 'pino';

/** Paths that may hold secrets in anything Weft logs; their values are replaced before writing. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'secret',
  'password',
  '*.password',
  '*.secret',
  '*.token',
  'config.store.postgres.url',
];

/** Weft's structured logger (JSON lines on stdout). */
export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'weft' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

export type { Logger };
