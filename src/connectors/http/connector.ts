import { ConfigError, InputError, TargetError } from '../../errors/index.ts';
import {
  errorForResponse,
  idempotencyKeyOf,
  idAtPointer,
  readPointer,
  type ActionCommand,
  type ActionContext,
  type ActionResult,
  type ConnectorAction,
  type ConnectorLog,
  type DeliveryTarget,
  type HttpClient,
  type HttpResponse,
  type RequestPreview,
} from '../sdk/index.ts';
import { createAuthenticator, type Authenticator } from './auth.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, type HttpActionSettings, type HttpTargetSettings } from './settings.ts';
import { compileTemplate, type Template, type TemplateValues } from './template.ts';

// The generic HTTP connector: one configured REST system, its actions declared in settings
// (method, path template, headers, idempotency). Everything that can be checked is checked when the
// target is built, so a delivery only renders templates and sends.

/** What an http target needs from the composition root. */
export interface HttpTargetDeps {
  /** Client the target sends with; owned by the caller (the target's close() leaves it open). */
  http: HttpClient;
  /** Clock of previews (HMAC timestamps); defaults to Date.now. */
  now?: () => number;
}

/** A request as the connector prepares it, before it is sent or previewed. */
interface Prepared {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

interface CompiledLookup {
  method: string;
  path: Template;
  found: ReadonlySet<number>;
  targetIdPointer: string | undefined;
}

interface CompiledAction {
  name: string;
  settings: HttpActionSettings;
  /** Names the request in error messages, without any command's values. */
  what: string;
  path: Template;
  headers: readonly [string, Template][];
  sendsBody: boolean;
  sendsKey: boolean;
  success: ReadonlySet<number> | undefined;
  lookup: CompiledLookup | undefined;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const LINE_BREAK = /[\r\n\0]/;

function configError(where: string, problem: string): ConfigError {
  return new ConfigError('invalid_config', `Invalid configuration: ${where} ${problem}`);
}

function compilePath(source: string, where: string): Template {
  if (source !== '' && !source.startsWith('/') && !source.startsWith('?')) throw configError(where, `must start with "/" (got "${source}")`);
  return compileTemplate(source, 'path', where);
}

function compileAction(targetName: string, name: string, action: HttpActionSettings, idempotencyHeader: string): CompiledAction {
  const at = `targets.${targetName}.actions.${name}`;
  const headers = Object.entries(action.headers).map(([header, value]): [string, Template] => [
    header.toLowerCase(),
    compileTemplate(value, 'header', `${at}.headers.${header}`),
  ]);
  if (action.idempotency === 'lookup' && action.lookup === undefined) throw configError(`${at}.lookup`, 'is required when idempotency is "lookup"');
  if (action.idempotency !== 'lookup' && action.lookup !== undefined) throw configError(`${at}.lookup`, `is only used when idempotency is "lookup" (it is "${action.idempotency}")`);
  if (action.xrefEntity !== undefined) {
    if (action.xrefCanonicalPointer === undefined) throw configError(`${at}.xrefCanonicalPointer`, 'is required with xrefEntity');
    if (action.targetIdPointer === undefined && action.lookup?.targetIdPointer === undefined) throw configError(`${at}.targetIdPointer`, 'is required with xrefEntity');
  }
  const lookup = action.lookup && {
    method: action.lookup.method,
    path: compilePath(action.lookup.path, `${at}.lookup.path`),
    found: new Set(action.lookup.foundStatuses),
    targetIdPointer: action.lookup.targetIdPointer,
  };
  return {
    name,
    settings: action,
    what: `${targetName}.${name} (${action.method} ${action.path})`,
    path: compilePath(action.path, `${at}.path`),
    headers,
    // A GET with a body is outside what REST APIs accept, so the payload default does not apply.
    sendsBody: action.body === 'payload' && action.method !== 'GET',
    sendsKey: action.idempotency === 'key' && idempotencyHeader !== '',
    success: action.successStatuses && new Set(action.successStatuses),
    lookup,
  };
}

function resultStatus(status: number): string {
  if (status === 201) return 'created';
  if (status === 202) return 'accepted';
  // Reachable only when 409 is configured as a success status: the record was there already.
  if (status === 409) return 'already_exists';
  return 'updated';
}

function payloadJson(command: ActionCommand, what: string): string {
  try {
    return JSON.stringify(command.payload ?? null);
  } catch (error) {
    throw new InputError('command_invalid', `${what}: the payload cannot be written as JSON.`, { cause: error });
  }
}

/**
 * A DeliveryTarget for a REST system described by its settings (see README.md beside this file).
 * Throws ConfigError, naming the action and field, for a template or setting that cannot work.
 */
export function createHttpTarget(name: string, settings: HttpTargetSettings, deps: HttpTargetDeps): DeliveryTarget {
  const at = `targets.${name}`;
  const base = settings.baseUrl.replace(/\/+$/, '');
  const staticHeaders: Record<string, string> = {};
  for (const [header, value] of Object.entries(settings.headers)) {
    if (LINE_BREAK.test(value)) throw configError(`${at}.headers.${header}`, 'cannot contain a line break');
    staticHeaders[header.toLowerCase()] = value;
  }
  if (settings.idempotencyHeader !== '' && !TOKEN.test(settings.idempotencyHeader)) throw configError(`${at}.idempotencyHeader`, 'is not a valid header name');
  const keyHeader = settings.idempotencyHeader.toLowerCase();
  const auth: Authenticator = createAuthenticator(settings.auth);
  // Previews get no context, so they derive the key the way the engine does (one rule, in the port).
  const keyOf = idempotencyKeyOf;
  const now = deps.now ?? Date.now;
  const compiled = Object.entries(settings.actions).map(([actionName, action]) => compileAction(name, actionName, action, settings.idempotencyHeader));

  function headersFor(action: CompiledAction, values: TemplateValues): Record<string, string> {
    const headers: Record<string, string> = { ...staticHeaders };
    for (const [header, template] of action.headers) headers[header] = template.render(values);
    if (values.command.traceparent !== undefined) headers.traceparent = values.command.traceparent;
    return headers;
  }

  function prepareLookup(action: CompiledAction, lookup: CompiledLookup, values: TemplateValues, nowMs: number): Prepared {
    const headers = headersFor(action, values);
    auth.apply(headers, undefined, nowMs);
    return { method: lookup.method, url: base + lookup.path.render(values), headers, body: undefined };
  }

  function prepare(action: CompiledAction, values: TemplateValues, nowMs: number): Prepared {
    const headers = headersFor(action, values);
    const body = action.sendsBody ? payloadJson(values.command, action.what) : undefined;
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    if (action.sendsKey) headers[keyHeader] = values.idempotencyKey;
    // Last, so an HMAC is computed over the body exactly as it goes out.
    auth.apply(headers, body, nowMs);
    return { method: action.settings.method, url: base + action.path.render(values), headers, body };
  }

  function send(prepared: Prepared, signal: AbortSignal): Promise<HttpResponse> {
    const request = { method: prepared.method, url: prepared.url, headers: prepared.headers, timeoutMs: settings.timeoutMs };
    return deps.http.request(prepared.body === undefined ? request : { ...request, body: prepared.body }, signal);
  }

  function receipt(action: CompiledAction, status: string, response: HttpResponse, pointer: string | undefined, command: ActionCommand, log: ConnectorLog): ActionResult {
    const result: ActionResult = { status };
    if (pointer === undefined) return result;
    const targetId = idAtPointer(response.body, pointer);
    if (targetId === undefined) {
      // The effect happened; failing now would retry it. The receipt just lacks the id.
      log.warn({ target: name, action: action.name, commandId: command.id, pointer }, 'target answered without a record id at targetIdPointer');
      return result;
    }
    result.targetId = targetId;
    const { xrefEntity, xrefCanonicalPointer } = action.settings;
    if (xrefEntity === undefined || xrefCanonicalPointer === undefined) return result;
    const canonical = readPointer(command.payload, xrefCanonicalPointer);
    if (typeof canonical === 'string' || typeof canonical === 'number') result.xref = { entity: xrefEntity, canonicalId: String(canonical) };
    else log.warn({ target: name, action: action.name, commandId: command.id, pointer: xrefCanonicalPointer }, 'payload has no canonical id at xrefCanonicalPointer');
    return result;
  }

  async function lookupExisting(action: CompiledAction, lookup: CompiledLookup, context: ActionContext): Promise<ActionResult | undefined> {
    const values = { command: context.command, idempotencyKey: context.idempotencyKey };
    const response = await send(prepareLookup(action, lookup, values, context.clock.now()), context.signal);
    if (lookup.found.has(response.status)) return receipt(action, 'already_exists', response, lookup.targetIdPointer, context.command, context.log);
    if (response.status === 404) return undefined;
    const what = `${action.what} lookup (${lookup.method} ${lookup.path.source})`;
    throw (
      errorForResponse(response, what, context.clock.now()) ??
      new TargetError('target_rejected', `${what}: target answered ${response.status}, neither a found status (${[...lookup.found].join(', ')}) nor 404.`, {
        targetStatus: response.status,
      })
    );
  }

  function toAction(action: CompiledAction): ConnectorAction {
    const { settings: actionSettings } = action;
    return {
      description: actionSettings.description || `${actionSettings.method} ${actionSettings.path}`,
      idempotency: actionSettings.idempotency,
      priority: actionSettings.priority,
      ...(actionSettings.retry === undefined ? {} : { retry: actionSettings.retry }),
      async run(context) {
        if (action.lookup !== undefined) {
          const existing = await lookupExisting(action, action.lookup, context);
          if (existing !== undefined) return existing;
        }
        const values = { command: context.command, idempotencyKey: context.idempotencyKey };
        const response = await send(prepare(action, values, context.clock.now()), context.signal);
        const { status } = response;
        const ok = action.success === undefined ? status >= 200 && status <= 299 : action.success.has(status);
        if (!ok) {
          throw (
            errorForResponse(response, action.what, context.clock.now()) ??
            new TargetError('target_rejected', `${action.what}: target answered ${status}, not one of the success statuses (${[...(action.success ?? [])].join(', ')}).`, {
              targetStatus: status,
            })
          );
        }
        return receipt(action, resultStatus(status), response, actionSettings.targetIdPointer, context.command, context.log);
      },
      async preview(command) {
        const values = { command, idempotencyKey: keyOf(command.id) };
        const nowMs = now();
        const requests = action.lookup === undefined ? [] : [prepareLookup(action, action.lookup, values, nowMs)];
        requests.push(prepare(action, values, nowMs));
        return requests.map((request): RequestPreview => ({ ...request, headers: auth.mask(request.headers) }));
      },
    };
  }

  const lookups = compiled.some((action) => action.lookup !== undefined);
  return {
    name,
    connector: 'http',
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...settings.rateLimit },
    retry: { ...DEFAULT_RETRY, ...settings.retry },
    breaker: { ...DEFAULT_BREAKER, ...settings.breaker },
    // One attempt of a lookup action makes two requests, each allowed the request timeout.
    timeoutMs: settings.timeoutMs * (lookups ? 2 : 1),
    actions: Object.fromEntries(compiled.map((action) => [action.name, toAction(action)])),
    async close() {
      // Nothing of its own to release: the HTTP client is shared and belongs to the caller.
    },
  };
}
