import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local stand-in for a vendor's API in connector tests: it records every request exactly as
// received (raw body bytes included, so a test can verify a signature the way the vendor would)
// and answers as the test's handler says. Loopback only; port 0 picks a free port.

/** A request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** Header names lower case. */
  headers: Record<string, string>;
  /** The body bytes as received. */
  body: Buffer;
  /** Client port of the connection: equal for requests that reused a keep-alive connection. */
  remotePort: number;
}

/** How the server answers one request: a status with optional headers and body, or a socket fault. */
export type RecordedAnswer =
  | { status: number; headers?: Record<string, string>; body?: string }
  | 'hang'
  | 'reset';

/** A running recording server. */
export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Replaces the handler. */
  answer(handler: (request: RecordedRequest) => RecordedAnswer): void;
  /** Stops listening and drops every connection, hung ones included. */
  close(): Promise<void>;
}

function flatten(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Starts a recording server on 127.0.0.1; by default it answers 200 with `{}`. */
export async function startRecordingServer(handler: (request: RecordedRequest) => RecordedAnswer = () => ({ status: 200, body: '{}' })): Promise<RecordingServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: flatten(req.headers),
        body: Buffer.concat(chunks),
        remotePort: req.socket.remotePort ?? 0,
      };
      requests.push(recorded);
      const answer = current(recorded);
      if (answer === 'hang') return;
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
