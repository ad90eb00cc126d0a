import { TargetError } from '../../errors/index.ts';
import type { HttpClient } from '../sdk/index.ts';
import { tokenError } from './errors.ts';

// The OAuth 2.0 client credentials flow: the app posts its consumer key and secret to the org's
// token endpoint and gets an access token issued to the app's run-as user, plus the instance URL
// to call. The answer carries no lifetime (the session ends by the org's session timeout, counted
// from the last use), so a token is kept until Salesforce answers 401 INVALID_SESSION_ID; the
// client then drops it here and asks again once.

/** A token and where it is valid. */
export interface SalesforceSession {
  accessToken: string;
  /** Origin the REST API is called on (`https://acme.my.salesforce.com`). */
  instanceUrl: string;
}

/** Where and as which app tokens are requested. */
export interface TokenSourceOptions {
  http: HttpClient;
  /** The org's My Domain URL. */
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  /** Target name, for messages. */
  target: string;
}

/** Tokens of one app in one org, shared by every action of the target. */
export interface TokenSource {
  /** The cached session, or a new one; concurrent callers share one token request. */
  get(signal: AbortSignal, now: number): Promise<SalesforceSession>;
  /** Forgets `session` after Salesforce refused it (a newer session, if any, is kept). */
  invalidate(session: SalesforceSession): void;
  /** The cached session, if any, without asking for one (previews). */
  peek(): SalesforceSession | undefined;
}

/** The token endpoint of an org: `<My Domain>/services/oauth2/token`. */
export function tokenUrl(loginUrl: string): string {
  return `${new URL(loginUrl).origin}/services/oauth2/token`;
}

function sessionOf(body: string, what: string, status: number): SalesforceSession {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (cause) {
    throw new TargetError('target_unavailable', `${what}: Salesforce answered ${status} with a body that is not JSON`, { targetStatus: status, cause });
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const accessToken = record.access_token;
  const instanceUrl = record.instance_url;
  if (typeof accessToken !== 'string' || accessToken === '' || typeof instanceUrl !== 'string' || !/^https?:\/\/[^\s/?#@]+\/?$/.test(instanceUrl)) {
    throw new TargetError('target_unavailable', `${what}: Salesforce's token answer has no access_token or no instance_url origin`, { targetStatus: status });
  }
  return { accessToken, instanceUrl: new URL(instanceUrl).origin };
}

/** A token source for one target. */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const url = tokenUrl(options.loginUrl);
  const what = `POST /services/oauth2/token to ${options.target}`;
  let current: SalesforceSession | undefined;
  let pending: Promise<SalesforceSession> | undefined;

  async function fetchSession(signal: AbortSignal, now: number): Promise<SalesforceSession> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret }).toString();
    const response = await options.http.request(
      { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body, timeoutMs: options.timeoutMs },
      signal,
    );
    const error = tokenError(response, what, now);
    if (error !== undefined) throw error;
    return sessionOf(response.body, what, response.status);
  }

  return {
    get(signal, now) {
      if (current !== undefined) return Promise.resolve(current);
      if (pending === undefined) {
        const request = fetchSession(signal, now).then(
          (session) => {
            if (pending === request) {
              current = session;
              pending = undefined;
            }
            return session;
          },
          (error: unknown) => {
            // The next caller asks again rather than inheriting this failure.
            if (pending === request) pending = undefined;
            throw error;
          },
        );
        pending = request;
      }
      return pending;
    },
    invalidate(session) {
      if (current === session) current = undefined;
    },
    peek: () => current,
  };
}
