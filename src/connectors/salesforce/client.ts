import { TargetError } from '../../errors/index.ts';
import { maskHeaders, type HttpClient, type HttpResponse, type RequestPreview } from '../sdk/index.ts';
import { createTokenSource, type SalesforceSession, type TokenSource } from './auth.ts';
import { errorEntriesOf, salesforceError } from './errors.ts';

// The REST client of a Salesforce target: every request carries the cached bearer token; a 401
// (INVALID_SESSION_ID: the session timed out or was revoked) drops the token, fetches a new one
// and sends the request once more, and a second 401 is the credentials' fault. Answers that are
// not 2xx become TargetErrors, unless the caller expects them (a 404 of a record not created yet).
// No message built here carries the secret or a token: Salesforce does not echo them, and the
// client masks both in case a proxy ever does.

/** One request to the REST API, relative to `/services/data/v<version>`. */
export interface SalesforceRequest {
  method: 'GET' | 'PATCH';
  /** Path under /services/data/v<version> (`/sobjects/Weft_Order__c/Weft_Order_Id__c/ord_…`). */
  path: string;
  /** JSON body. */
  body?: unknown;
  /** Names the request in errors, without values (`PATCH Weft_Order__c`). */
  what: string;
  /** Answers the caller handles itself instead of getting a TargetError (a 404 meaning "no record yet"). */
  expect?: (response: HttpResponse) => boolean;
}

/** What the client needs. */
export interface SalesforceClientOptions {
  http: HttpClient;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  apiVersion: string;
  timeoutMs: number;
  /** Target name, for messages. */
  target: string;
}

/** The REST client of one Salesforce target. */
export interface SalesforceClient {
  /** Sends a request; resolves with a 2xx (or expected) answer, throws a TargetError otherwise. */
  send(request: SalesforceRequest, signal: AbortSignal, now: number): Promise<HttpResponse>;
  /** The request as a dry run shows it: `Authorization: Bearer ***`, nothing sent, no token fetched. */
  preview(request: SalesforceRequest): RequestPreview;
}

/** Builds the client of one target. */
export function createSalesforceClient(options: SalesforceClientOptions, tokens: TokenSource = createTokenSource(options)): SalesforceClient {
  const base = `/services/data/v${options.apiVersion}`;
  const loginOrigin = new URL(options.loginUrl).origin;

  function headersOf(request: SalesforceRequest, accessToken: string): Record<string, string> {
    return { accept: 'application/json', authorization: `Bearer ${accessToken}`, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) };
  }

  // Defence in depth: a message quoting a proxy's echo of the request must not carry credentials.
  function masked(error: TargetError, session: SalesforceSession | undefined): TargetError {
    const secrets = [options.clientSecret, options.clientId, session?.accessToken].filter((value): value is string => value !== undefined && value.length >= 4);
    if (!secrets.some((value) => error.message.includes(value))) return error;
    const message = secrets.reduce((text, value) => text.replaceAll(value, '***'), error.message);
    return new TargetError(error.code, message, { ...(error.targetStatus === undefined ? {} : { targetStatus: error.targetStatus }), ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }) });
  }

  async function attempt(request: SalesforceRequest, session: SalesforceSession, signal: AbortSignal): Promise<HttpResponse> {
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    return options.http.request(
      { method: request.method, url: `${session.instanceUrl}${base}${request.path}`, headers: headersOf(request, session.accessToken), ...(body === undefined ? {} : { body }), timeoutMs: options.timeoutMs },
      signal,
    );
  }

  return {
    async send(request, signal, now) {
      const what = `${request.what} to ${options.target}`;
      let session: SalesforceSession | undefined;
      try {
        session = await tokens.get(signal, now);
        let response = await attempt(request, session, signal);
        if (response.status === 401) {
          // The session ended (timeout, revoked, password policy): one fresh token, one more try.
          tokens.invalidate(session);
          session = await tokens.get(signal, now);
          response = await attempt(request, session, signal);
          if (response.status === 401) {
            const codes = errorEntriesOf(response.body).map((entry) => entry.errorCode).join(', ') || 'no error code';
            throw new TargetError('target_auth_failed', `${what}: Salesforce refused a freshly issued token (401 ${codes}); check the app's OAuth scopes (api) and its run-as user`, { targetStatus: 401 });
          }
        }
        if (request.expect?.(response) === true) return response;
        const error = salesforceError(response, what, now);
        if (error !== undefined) throw error;
        return response;
      } catch (error) {
        throw error instanceof TargetError ? masked(error, session) : error;
      }
    },
    preview(request) {
      // Previews never fetch a token: the My Domain is the usual instance URL until one is known.
      const origin = tokens.peek()?.instanceUrl ?? loginOrigin;
      return {
        method: request.method,
        url: `${origin}${base}${request.path}`,
        headers: maskHeaders(headersOf(request, '***')),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      };
    },
  };
}
