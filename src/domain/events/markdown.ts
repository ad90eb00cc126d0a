// Small Markdown building blocks for the generated reference pages. Anchors follow GitHub's rules,
// because that is where most readers open the docs; other renderers (VS Code, MkDocs) agree for the
// plain ASCII headings these pages use.

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces turned into dashes. */
export function headingSlug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replaceAll(' ', '-');
}

/** Text made safe for one table cell: pipes escaped, line breaks flattened. */
export function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A Markdown table; every row must have as many cells as the header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => line(row.map(cell)))];
}

/** A collapsed block with a summary line, holding a fenced code block (blank lines keep GitHub rendering the fence). */
export function details(summary: string, language: string, code: string): string[] {
  return ['<details>', `<summary>${summary}</summary>`, '', `\`\`\`${language}`, code, '```', '', '</details>'];
}

// JSON on one line, with a space after `:` and `,` as people write it.
function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${inlineJson(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/**
 * JSON for reading: an object or array that fits in `width` columns stays on one line, a larger one
 * gets a line per member, indented by two spaces. Parses back to the same value.
 */
export function readableJson(value: unknown, width = 100): string {
  return formatJson(value, '', 0, width);
}

function formatJson(value: unknown, indent: string, prefix: number, width: number): string {
  const flat = inlineJson(value);
  if (typeof value !== 'object' || value === null || indent.length + prefix + flat.length + 1 <= width) return flat;
  const inner = `${indent}  `;
  const members = Array.isArray(value)
    ? value.map((item) => `${inner}${formatJson(item, inner, 0, width)}`)
    : Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${formatJson(item, inner, JSON.stringify(key).length + 2, width)}`);
  if (members.length === 0) return flat;
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${members.join(',\n')}\n${indent}${close}`;
}
