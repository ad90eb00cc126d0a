import type { CommandFilter, Store } from '../ports/store.ts';
import { normalizeTime } from './plan-batch.ts';

// The WHERE clause of an outbox listing, written once for both adapters: they differ only in how a
// placeholder is spelled (`?` or `$n`).

/** The WHERE clause (or '') and its parameters for a command filter; `placeholder(n)` spells the n-th (1-based). */
export function commandListing(filter: CommandFilter, placeholder: (n: number) => string): { where: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, value: string | number): void => {
    params.push(value);
    clauses.push(sql.replace('?', placeholder(params.length)));
  };
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.target !== undefined) add('target = ?', filter.target);
  if (filter.errorCode !== undefined) add('error_code = ?', filter.errorCode);
  if (filter.key !== undefined) add('key = ?', filter.key);
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.createdBefore !== undefined) add('created_at < ?', normalizeTime(filter.createdBefore));
  if (filter.createdAfter !== undefined) add('created_at >= ?', normalizeTime(filter.createdAfter));
  if (filter.beforeSeq !== undefined) add('seq < ?', filter.beforeSeq);
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** The WHERE clause of an inbound rejection listing (`before` pages by rejection id, through its seq). */
export function rejectionListing(filter: Parameters<Store['listRejections']>[0], placeholder: (n: number) => string, table: string): { where: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  const add = (sql: string, value: string): void => {
    params.push(value);
    clauses.push(sql.replace('?', placeholder(params.length)));
  };
  if (filter.source !== undefined) add('source = ?', filter.source);
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.code !== undefined) add('code = ?', filter.code);
  if (filter.before !== undefined) add(`seq < (SELECT seq FROM ${table} WHERE id = ?)`, filter.before);
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** The WHERE clause of a task listing; every option narrows. */
export function taskListing(filter: Parameters<Store['listTasks']>[0], placeholder: (n: number) => string): { where: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  const add = (sql: string, value: string): void => {
    params.push(value);
    clauses.push(sql.replace('?', placeholder(params.length)));
  };
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.process !== undefined) add('process = ?', filter.process);
  if (filter.key !== undefined) add('key = ?', filter.key);
  if (filter.kind !== undefined) add('kind = ?', filter.kind);
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
