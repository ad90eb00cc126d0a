import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

// The frame every connector's simulator (src/connectors/<vendor>/simulator.ts) is built on: a local
// HTTP server that routes requests to the vendor's handlers, with the knobs the demo and the tests
// turn to inject faults (latency, error rate, downtime), and admin routes under /_sim/ to turn them
// from outside. The vendor's own rules (auth, limits, error bodies) live in each simulator.

/** A request as a simulator handler sees it. */
export interface SimRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  /** Header names lower case. */
  headers: Record<string, string>;
  /** Body bytes as received. */
  body: Buffer;
  /** Values of `:name` segments of the route's path. */
  params: Record<string, string>;
}

/** A simulator's answer. */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
}

/** One route: `path` may hold `:name` segments (`/orders/:id`). */
export interface SimRoute {
  method: string;
  path: string;
  handle(request: SimRequest): SimResponse | Promise<SimResponse>;
}

/** The faults a simulator injects on vendor routes (never on /_sim/). */
export interface SimFaults {
  /** Added to every answer, in ms. */
  latencyMs: number;
  /** Added after the request took effect, before the answer, in ms: a vendor that commits and then answers late (or never, if the caller gave up). */
  latencyAfterMs: number;
  /** Share of requests (0..1) answered with the vendor's 500-class error, without effect. */
  errorRate: number;
  /** While true, every request is answered 503 (the vendor's maintenance answer), without effect. */
  down: boolean;
}

/** Options of startSimulator. */
export interface SimulatorOptions {
  /** Vendor name, for the admin route and error messages. */
  name: string;
  routes: readonly SimRoute[];
  /** The vendor's error body for a status and message (each vendor formats errors its own way). */
  errorBody(status: number, message: string): SimResponse;
  /** Called by GET /_sim/state: the simulator's records, for tests and the demo. */
  state?(): unknown;
  /** Called by POST /_sim/reset. */
  reset?(): void;
  /** True when the routes wait `faults.latencyMs` themselves (e.g. while counting the request in flight); the frame then does not. */
  routesApplyLatency?: boolean;
  /** Random numbers for the error rate; tests pass a seeded one. Default Math.random. */
  random?: () => number;
  host?: string;
  port?: number;
}

/** A running simulator. */
export interface Simulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  faults: SimFaults;
  /** Requests answered on vendor routes, faults included. */
  requests(): number;
  close(): Promise<void>;
}

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  handle: SimRoute['handle'];
}

function compile(route: SimRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { method: route.method, pattern: new RegExp(`^${source}$`), names, handle: route.handle };
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function send(res: ServerResponse, answer: SimResponse): void {
  const headers = { ...answer.headers };
  let body: string | undefined;
  if (typeof answer.body === 'string') body = answer.body;
  else if (answer.body !== undefined) {
    body = JSON.stringify(answer.body);
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(answer.status, headers).end(body);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a simulator on 127.0.0.1 (port 0 picks a free one). */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const routes = options.routes.map(compile);
  const random = options.random ?? Math.random;
  const faults: SimFaults = { latencyMs: 0, latencyAfterMs: 0, errorRate: 0, down: false };
  const sockets = new Set<Socket>();
  let answered = 0;

  async function admin(request: SimRequest): Promise<SimResponse> {
    if (request.path === '/_sim/faults' && request.method === 'GET') return { status: 200, body: faults };
    if (request.path === '/_sim/faults' && request.method === 'POST') {
      let input: Partial<SimFaults>;
      try {
        input = JSON.parse(request.body.toString('utf8')) as Partial<SimFaults>;
      } catch {
        return { status: 400, body: { error: 'the body must be JSON: {"latencyMs", "latencyAfterMs", "errorRate", "down"}' } };
      }
      for (const field of ['latencyMs', 'latencyAfterMs'] as const) {
        if (input[field] !== undefined && (typeof input[field] !== 'number' || input[field] < 0)) return { status: 400, body: { error: `${field} must be a number >= 0` } };
      }
      if (input.errorRate !== undefined && (typeof input.errorRate !== 'number' || input.errorRate < 0 || input.errorRate > 1)) return { status: 400, body: { error: 'errorRate must be between 0 and 1' } };
      if (input.down !== undefined && typeof input.down !== 'boolean') return { status: 400, body: { error: 'down must be true or false' } };
      Object.assign(faults, { ...(input.latencyMs !== undefined ? { latencyMs: input.latencyMs } : {}), ...(input.latencyAfterMs !== undefined ? { latencyAfterMs: input.latencyAfterMs } : {}), ...(input.errorRate !== undefined ? { errorRate: input.errorRate } : {}), ...(input.down !== undefined ? { down: input.down } : {}) });
      return { status: 200, body: faults };
    }
    if (request.path === '/_sim/state' && request.method === 'GET') return { status: 200, body: { simulator: options.name, requests: answered, faults, state: options.state?.() ?? null } };
    if (request.path === '/_sim/reset' && request.method === 'POST') {
      options.reset?.();
      answered = 0;
      return { status: 204 };
    }
    return { status: 404, body: { error: `no admin route ${request.method} ${request.path}` } };
  }

  async function handle(req: IncomingMessage, body: Buffer): Promise<SimResponse> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const base = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: headersOf(req), body, params: {} };
    if (url.pathname.startsWith('/_sim/')) return admin(base);
    answered++;
    if (faults.latencyMs > 0 && options.routesApplyLatency !== true) await sleep(faults.latencyMs);
    if (faults.down) return options.errorBody(503, `${options.name} is down for maintenance (simulated)`);
    if (faults.errorRate > 0 && random() < faults.errorRate) return options.errorBody(500, `${options.name} failed (simulated fault)`);
    let pathMatched = false;
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== base.method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] as string)));
      const answer = await route.handle({ ...base, params });
      if (faults.latencyAfterMs > 0) await sleep(faults.latencyAfterMs);
      return answer;
    }
    return pathMatched ? options.errorBody(405, `${base.method} is not allowed on ${url.pathname}`) : options.errorBody(404, `no route ${base.method} ${url.pathname}`);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks)).then(
        (answer) => send(res, answer),
        (error: unknown) => send(res, options.errorBody(500, `${options.name} simulator failed: ${(error as Error).message}`)),
      );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    faults,
    requests: () => answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Parses a JSON request body for a simulator handler, or answers the vendor's 400. */
export function jsonBody(request: SimRequest): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(request.body.toString('utf8')) };
  } catch (error) {
    return { ok: false, message: `the body is not JSON: ${(error as Error).message}` };
  }
}
