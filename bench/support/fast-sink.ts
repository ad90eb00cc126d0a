import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The benchmark's sink: the least a target can do and still let the benchmark check the delivery.
// It applies each Idempotency-Key once (a retry gets the first answer), checks that `n` grows per
// `orderKey`, and keeps arrival times for the budget phases. Unlike test/support/fake-target.ts it
// keeps no bodies and injects no faults, so the sink's CPU per request stays close to node:http's.

/** What the benchmark reads back. */
export interface FastSinkStats {
  requests: number;
  applied: number;
  duplicatesSuppressed: number;
  /** Always 1 unless a key was applied twice (it cannot be: the second is suppressed), or 0 before any. */
  maxEffectsPerKey: number;
  /** orderKeys whose `n` did not grow from one applied request to the next. */
  orderViolations: string[];
}

/** A running sink. */
export interface FastSink {
  url: string;
  close(): Promise<void>;
}

/** Starts a sink on 127.0.0.1 (port 0 picks one). */
export async function startFastSink(host = '127.0.0.1'): Promise<FastSink> {
  let ids = new Map<string, string>();
  let lastN = new Map<string, number>();
  let violations = new Set<string>();
  let arrivals = new Float64Array(1 << 16);
  let count = 0;
  let requests = 0;
  let duplicates = 0;
  let next = 0;
  const origin = performance.timeOrigin;

  const reset = (): void => {
    ids = new Map();
    lastN = new Map();
    violations = new Set();
    count = 0;
    requests = 0;
    duplicates = 0;
  };

  function admin(req: IncomingMessage, res: ServerResponse): void {
    if (req.url === '/_admin/stats') {
      const stats: FastSinkStats = { requests, applied: ids.size, duplicatesSuppressed: duplicates, maxEffectsPerKey: ids.size > 0 ? 1 : 0, orderViolations: [...violations] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    } else if (req.url === '/_admin/arrivals') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(arrivals.buffer, 0, count * 8));
    } else if (req.url === '/_admin/reset' && req.method === 'POST') {
      reset();
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  }

  const server = createServer((req, res) => {
    if (req.url?.startsWith('/_admin/')) return admin(req, res);
    requests++;
    if (count === arrivals.length) {
      const grown = new Float64Array(arrivals.length * 2);
      grown.set(arrivals);
      arrivals = grown;
    }
    arrivals[count++] = origin + performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string') {
        res.writeHead(400).end();
        return;
      }
      const known = ids.get(key);
      if (known !== undefined) {
        duplicates++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(known);
        return;
      }
      const answer = `{"id":"r_${++next}"}`;
      ids.set(key, answer);
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { orderKey?: unknown; n?: unknown };
        if (typeof body.orderKey === 'string' && typeof body.n === 'number') {
          const before = lastN.get(body.orderKey);
          if (before !== undefined && body.n <= before) violations.add(body.orderKey);
          lastN.set(body.orderKey, body.n);
        }
      } catch {
        // Not JSON: nothing to check the order of.
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end(answer);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
