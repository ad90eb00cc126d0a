import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CapacityError, InputError, WeftError, toWeftError, type FieldProblem } from '../errors/index.ts';

/** The `type` URI of a problem with the given code. */
export function problemType(code: string): string {
  return `urn:weft:problem:${code}`;
}

/** An RFC 9457 problem details document, with Weft's extension members. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  /** Stable error code (see docs/errors.md). */
  code: string;
  /** Whether the same request may succeed later. */
  retryable: boolean;
  /** Field-level problems, each with a JSON Pointer into the request body. */
  errors?: { pointer: string; detail: string }[];
  /** Correlates with Weft's logs. */
  requestId: string;
}

// Fastify's own errors for bad requests, mapped to Weft's codes so every answer has one shape.
const fastifyCodes: Record<string, () => WeftError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new InputError('unsupported_media_type', 'Send events as application/json, application/cloudevents+json or application/cloudevents-batch+json.'),
  FST_ERR_CTP_INVALID_TYPE: () => new InputError('unsupported_media_type', 'The Content-Type header is not valid.'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new InputError('payload_too_large', 'The request body is larger than this endpoint accepts.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new InputError('malformed_json', 'The request body is empty; a JSON document was expected.'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new InputError('malformed_json', 'The request body is not valid JSON.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new InputError('malformed_request', 'The Content-Length header does not match the body.'),
  FST_ERR_CTP_EMPTY_TYPE: () => new InputError('unsupported_media_type', 'The Content-Type header is empty.'),
};

/** Turns anything thrown while serving a request into a WeftError. */
export function fromRequestError(error: unknown): WeftError {
  if (error instanceof WeftError) return error;
  const fastifyError = error as Partial<FastifyError> & { validation?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] };
  if (fastifyError.code && fastifyCodes[fastifyError.code]) return (fastifyCodes[fastifyError.code] as () => WeftError)();
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return new InputError('malformed_json', `The request body is not valid JSON: ${error.message}`);
  if (fastifyError.validation) {
    const context = (fastifyError as { validationContext?: string }).validationContext ?? 'request';
    const problems: FieldProblem[] = fastifyError.validation.map((issue) => ({
      pointer: `/${context}${issue.instancePath}`,
      message: issue.message ?? 'is not valid',
    }));
    return new InputError('malformed_request', `The ${context} is not valid: ${problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}.`, { problems });
  }
  if (fastifyError.statusCode === 503 && fastifyError.code === 'FST_ERR_SERVER_CLOSING') {
    return new CapacityError('shutting_down', 'Weft is shutting down; retry against another instance or shortly.', { retryAfterSeconds: 1 });
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new InputError('malformed_request', fastifyError.message ?? 'The request is not valid.');
  }
  return toWeftError(error);
}

/** The problem document for an error; internal details never leave the process. */
export function toProblem(error: WeftError, request: FastifyRequest): ProblemDocument {
  const document: ProblemDocument = {
    type: problemType(error.code),
    title: error.title,
    status: error.httpStatus,
    detail: error.code === 'internal' ? 'An unexpected error occurred; it has been logged with the request id.' : error.message,
    instance: request.url.split('?')[0] ?? request.url,
    code: error.code,
    retryable: error.retryable,
    requestId: request.id,
  };
  if (error.problems.length > 0) document.errors = error.problems.map((problem) => ({ pointer: problem.pointer, detail: problem.message }));
  return document;
}

/** Sends an error as `application/problem+json`, with Retry-After / WWW-Authenticate where they apply. */
export function sendProblem(reply: FastifyReply, error: WeftError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  if (error.httpStatus === 401) reply.header('www-authenticate', 'Bearer realm="weft"');
  return reply.code(error.httpStatus).type('application/problem+json').send(toProblem(error, reply.request));
}
