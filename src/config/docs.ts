import { configFields } from './load.ts';

/** The Markdown reference of every configuration field (docs/configuration.md). */
export function renderConfigMarkdown(): string {
  const rows = configFields().map((field) => {
    const fallback = field.defaultValue === '' ? '(empty)' : `\`${JSON.stringify(field.defaultValue)}\``;
    const secret = field.secret ? ' **Secret:** never logged or printed.' : '';
    return `| \`${field.path}\` | \`${field.env}\` | ${field.type} | ${fallback} | ${field.description}${secret} |`;
  });
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run docs`; a test checks it is current. -->',
    '',
    'Weft reads its configuration once at start-up, in this order (later wins):',
    '',
    '1. the defaults below;',
    '2. a JSON config file: `--config <file>`, else `$WEFT_CONFIG`, else `./weft.config.json` if present;',
    '3. environment variables (`WEFT_` + the field path in upper snake case);',
    '4. command-line options of `weft start` (`--port`, `--host`, `--store`, `--data-dir`).',
    '',
    'An invalid value stops Weft at start-up with a message naming the field, the value and where it came',
    'from. An unknown `WEFT_*` variable is an error too, so a typo does not go unnoticed.',
    '',
    'Example `weft.config.json`:',
    '',
    '```json',
    '{ "http": { "port": 8080 }, "store": { "kind": "postgres", "postgres": { "url": "postgres://weft@db:5432/weft" } } }',
    '```',
    '',
    '| Field | Environment variable | Type | Default | Meaning |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
