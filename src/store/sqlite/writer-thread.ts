// The embedded store's writer thread. It owns the only write connection: group-commit batches and
// the few direct writes arrive as messages, each answered once its transaction is on disk. Batches
// that queued up while a transaction was being flushed are merged into the next one, so the thread
// serving requests never has to wait for a commit before handing over more work.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { PlannableUnit } from '../plan-batch.ts';
import { createSqliteWriter, isStoreFailure, openDatabase, type ClaimOptions } from './write-batch.ts';

/** What the main thread asks of the writer. Batches travel as JSON text: cheaper to copy than object graphs. */
export type WriterRequest =
  | { id: number; kind: 'batch'; now: string; units: string }
  | { id: number; kind: 'run'; sql: string; params: (string | number | null)[] }
  | ({ id: number; kind: 'claim' } & ClaimOptions)
  | { id: number; kind: 'prune'; before: string; limit: number }
  | { id: number; kind: 'close' };

/** The writer's answer to one request (a batch's results as JSON text). */
export type WriterReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; storeFailure: boolean; errcode: number | undefined; code: string | undefined };

/** Options the main thread passes at start. */
export interface WriterData {
  path: string;
  busyTimeoutMs: number;
}

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs as a worker thread of the SQLite store');
const { path, busyTimeoutMs } = workerData as WriterData;
const db = openDatabase(path, busyTimeoutMs);
const writer = createSqliteWriter(db);

function failure(id: number, error: unknown): WriterReply {
  const cause = error as { message?: string; errcode?: number; code?: string };
  return {
    id,
    ok: false,
    message: cause.message ?? String(error),
    storeFailure: isStoreFailure(error),
    errcode: cause.errcode,
    code: typeof cause.code === 'string' ? cause.code : undefined,
  };
}

/** Writes several batch requests in one transaction; if that fails, each on its own. */
function writeBatches(requests: Extract<WriterRequest, { kind: 'batch' }>[]): void {
  const parsed = requests.map((request) => JSON.parse(request.units) as PlannableUnit[]);
  if (requests.length > 1) {
    try {
      const now = requests.reduce((latest, request) => (request.now > latest ? request.now : latest), '');
      const results = writer.writeBatch(parsed.flat(), now);
      let offset = 0;
      requests.forEach((request, index) => {
        const count = (parsed[index] as PlannableUnit[]).length;
        port?.postMessage({ id: request.id, ok: true, value: JSON.stringify(results.slice(offset, offset + count)) } satisfies WriterReply);
        offset += count;
      });
      return;
    } catch {
      // Fall through: one request's unit broke the merged transaction; keep the others apart from it.
    }
  }
  requests.forEach((request, index) => {
    try {
      port?.postMessage({ id: request.id, ok: true, value: JSON.stringify(writer.writeBatch(parsed[index] as PlannableUnit[], request.now)) } satisfies WriterReply);
    } catch (error) {
      port?.postMessage(failure(request.id, error));
    }
  });
}

port.on('message', (first: WriterRequest) => {
  const requests: WriterRequest[] = [first];
  for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) requests.push(next.message as WriterRequest);
  let batches: Extract<WriterRequest, { kind: 'batch' }>[] = [];
  for (const request of requests) {
    if (request.kind === 'batch') {
      batches.push(request);
      continue;
    }
    if (batches.length > 0) writeBatches(batches);
    batches = [];
    if (request.kind === 'run' || request.kind === 'claim' || request.kind === 'prune') {
      try {
        const value = request.kind === 'run' ? writer.run(request.sql, request.params) : request.kind === 'claim' ? writer.claim(request) : writer.prune(request.before, request.limit);
        port.postMessage({ id: request.id, ok: true, value } satisfies WriterReply);
      } catch (error) {
        port.postMessage(failure(request.id, error));
      }
    } else {
      db.close();
      port.postMessage({ id: request.id, ok: true, value: null } satisfies WriterReply);
      port.close();
      return;
    }
  }
  if (batches.length > 0) writeBatches(batches);
});
