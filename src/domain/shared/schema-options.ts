// One place for the options every canonical object schema carries, so none can forget to close itself
// or to say which model version it belongs to.

/** The canonical model version the schemas in `src/domain` describe; bump per object when it breaks. */
export const schemaVersion = 1;

/** Options for a canonical object schema: a title for docs and OpenAPI, closed properties, and its version. */
export function objectOptions(title: string, description: string) {
  return { title, description, additionalProperties: false, 'x-weft-schema-version': schemaVersion } as const;
}
