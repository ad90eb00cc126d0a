// JSON Pointer (RFC 6901) reading, and ids that survive JSON.parse: vendors' ids are often
// integers above 2^53 (Shopify's are), which JSON.parse would silently round.

type Reviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;

/** Whether a string is a JSON Pointer: empty (the whole document) or starting with `/`. */
export function isJsonPointer(pointer: string): boolean {
  return pointer === '' || (pointer.startsWith('/') && !/~[^01]|~$/.test(pointer));
}

/** The reference tokens of a JSON Pointer, unescaped (`/a~1b/0` → `['a/b', '0']`). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The value a JSON Pointer designates in a parsed document, or undefined when there is none. */
export function readPointer(document: unknown, pointer: string): unknown {
  let node = document;
  for (const token of pointerTokens(pointer)) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (typeof node === 'object' && node !== null && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return node;
}

// A number's own digits where JSON.parse would round it (V8 hands revivers the source text).
const exactNumbers: Reviver = (_key, value, context) =>
  typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined ? context.source : value;

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
      value = readPointer(JSON.parse(jsonText, exactNumbers as Parameters<typeof JSON.parse>[1]), pointer);
    }
  } catch {
    return undefined;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
