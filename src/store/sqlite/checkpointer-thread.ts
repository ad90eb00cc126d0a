// Copies committed WAL frames back into the database file, on its own thread and connection.
// A checkpoint fsyncs the database file and can take tens of milliseconds; run by the writer
// (SQLite's default) it would stall every commit queued behind it. A PASSIVE checkpoint never
// blocks the writer or readers, and once it has caught up the writer starts the WAL over.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './write-batch.ts';

/** Options the store passes at start. */
export interface CheckpointerData {
  path: string;
  busyTimeoutMs: number;
  intervalMs: number;
}

const { path, busyTimeoutMs, intervalMs } = workerData as CheckpointerData;
const db = openDatabase(path, busyTimeoutMs);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    checkpoint.get();
  } catch (error) {
    // A busy or failing checkpoint is retried at the next tick; the writer's own safety-net
    // checkpoint bounds the WAL if this thread cannot keep up.
    parentPort?.postMessage({ kind: 'checkpoint-failed', message: (error as Error).message });
  }
}, intervalMs);
parentPort?.on('message', (message: { kind: string }) => {
  if (message.kind !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
