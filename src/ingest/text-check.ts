import type { FieldProblem } from '../errors/index.ts';

/**
 * Finds strings (values and keys) that no store can keep faithfully: NUL characters, which
 * PostgreSQL refuses, and lone UTF-16 surrogates, which drivers silently replace. Refusing them at
 * the door keeps both store adapters byte-identical and loses nothing quietly.
 */
export function badTextProblems(value: unknown, pointer: string, out: FieldProblem[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push({ pointer, message: 'contains a NUL character (\\u0000)' });
    else if (!value.isWellFormed()) out.push({ pointer, message: 'contains an unpaired UTF-16 surrogate' });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) badTextProblems(value[index], `${pointer}/${index}`, out);
    return;
  }
  for (const key in value) {
    const escaped = key.replaceAll('~', '~0').replaceAll('/', '~1');
    if (key.includes('\u0000') || !key.isWellFormed()) out.push({ pointer: `${pointer}/${escaped}`, message: 'has a key that is not well-formed text' });
    badTextProblems((value as Record<string, unknown>)[key], `${pointer}/${escaped}`, out);
  }
}
