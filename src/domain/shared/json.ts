// JSON that keeps vendors' big ids: integers above 2^53 (Shopify's order ids) come back as strings
// of their digits instead of silently rounded numbers. V8 hands revivers the source text.

type Reviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;

const keepBigIntegers: Reviver = (_key, value, context) =>
  typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source !== undefined ? context.source : value;

/** JSON.parse, except that integers above 2^53 are strings of their exact digits. Throws SyntaxError like JSON.parse. */
export function parseJsonKeepingBigIntegers(text: string): unknown {
  return JSON.parse(text, keepBigIntegers as Parameters<typeof JSON.parse>[1]);
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
