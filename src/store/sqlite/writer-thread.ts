// The embedded store's writer thread. It owns the only write connection: group-commit batches and
// the few direct writes arrive as messages, each answered once its transaction is on disk.
import { parentPort, workerData } from 'node:worker_threads';
import type { PlannableUnit } from '../plan-batch.ts';
import { createSqliteWriter, isStoreFailure, openDatabase } from './write-batch.ts';

/** What the main thread asks of the writer. */
export type WriterRequest =
  | { id: number; kind: 'batch'; now: string; units: PlannableUnit[] }
  | { id: number; kind: 'run'; sql: string; params: (string | number | null)[] }
  | { id: number; kind: 'close' };

/** The writer's answer to one request. */
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

port.on('message', (request: WriterRequest) => {
  let reply: WriterReply;
  try {
    if (request.kind === 'batch') reply = { id: request.id, ok: true, value: writer.writeBatch(request.units, request.now) };
    else if (request.kind === 'run') reply = { id: request.id, ok: true, value: writer.run(request.sql, request.params) };
    else {
      db.close();
      port.postMessage({ id: request.id, ok: true, value: null } satisfies WriterReply);
      port.close();
      return;
    }
  } catch (error) {
    const failure = error as { message?: string; errcode?: number; code?: string };
    reply = {
      id: request.id,
      ok: false,
      message: failure.message ?? String(error),
      storeFailure: isStoreFailure(error),
      errcode: failure.errcode,
      code: typeof failure.code === 'string' ? failure.code : undefined,
    };
  }
  port.postMessage(reply);
});
