// JSON Pointer (RFC 6901) reading, and ids that survive JSON.parse: vendors' ids are often
// integers above 2^53 (Shopify's are), which JSON.parse would silently round.

import { parseJsonKeepingBigIntegers, pointerTokens, readPointer } from '../../domain/shared/json.ts';

export { pointerTokens, readPointer };

/** Whether a string is a JSON Pointer: empty (the whole document) or starting with `/`. */
export function isJsonPointer(pointer: string): boolean {
  return pointer === '' || (pointer.startsWith('/') && !/~[^01]|~$/.test(pointer));
}

/**
 * The id at a JSON Pointer in a JSON text, as a string with every digit the text had (a number
 * above 2^53 stays exact). Undefined when the text is not JSON or the value is not a string or number.
 */
export function idAtPointer(jsonText: string, pointer: string): string | undefined {
  let value: unknown;
  try {
    value = readPointer(JSON.parse(jsonText), pointer);
    // Parsing again with a reviver is slower, so it is paid only when rounding may have happened.
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      value = readPointer(parseJsonKeepingBigIntegers(jsonText), pointer);
    }
  } catch {
    return undefined;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
