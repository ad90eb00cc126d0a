// npm run bench -- <name> [...]   Runs benchmarks and writes their JSON results to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';

const benchmarks: Record<string, () => Promise<{ run: () => Promise<Record<string, unknown>> }>> = {
  ingest: () => import('./ingest.ts'),
  delivery: () => import('./delivery.ts'),
  orders: () => import('./orders.ts'),
  availability: () => import('./availability.ts'),
};

const names = process.argv.slice(2);
if (names.length === 0 || names.some((name) => !benchmarks[name])) {
  process.stderr.write(`Usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> ...\n`);
  process.exit(2);
}
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const name of names) {
  const load = benchmarks[name] as () => Promise<{ run: () => Promise<Record<string, unknown>> }>;
  const result = await (await load()).run();
  const file = new URL(`${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(new URL(`${name}-latest.json`, dir), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten to ${file.pathname}\n`);
}
