// JSON that keeps vendors' big ids: integers above 2^53 (Shopify's order ids) come back as strings
// of their digits instead of silently rounded numbers. V8 hands revivers the source text.

type Reviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;

const keepBigIntegers: Reviver = (_key, value, context) =>
  typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source !== undefined ? context.source : value;

/** JSON.parse, except that integers above 2^53 are strings of their exact digits. Throws SyntaxError like JSON.parse. */
export function parseJsonKeepingBigIntegers(text: string): unknown {
  return JSON.parse(text, keepBigIntegers as Parameters<typeof JSON.parse>[1]);
}
