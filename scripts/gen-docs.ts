// Regenerates the reference pages that are derived from code. `npm run docs`.
import { writeFileSync } from 'node:fs';
import { renderConfigMarkdown } from '../src/config/docs.ts';
import { renderEventCatalogueMarkdown } from '../src/domain/events/render-catalogue.ts';

const pages: Record<string, () => string> = {
  'docs/configuration.md': renderConfigMarkdown,
  'docs/events.md': renderEventCatalogueMarkdown,
};
for (const [path, render] of Object.entries(pages)) {
  writeFileSync(new URL(`../${path}`, import.meta.url), render());
  process.stdout.write(`wrote ${path}\n`);
}
