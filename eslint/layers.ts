// Weft's dependency rule (ARCHITECTURE.md): each top-level folder of src/ is a layer and may import
// only from the layers listed for it. Written here rather than taken from a plugin: it is Weft's
// own policy, small, and resolving relative specifiers is all it needs.
import { dirname, relative, resolve, sep } from 'node:path';
import type { Rule } from 'eslint';

/** The layers each layer may import from (its own layer is always allowed). `app` may import all. */
export const layers: Record<string, readonly string[]> = {
  errors: [],
  domain: [],
  config: ['errors'],
  ports: ['domain', 'errors'],
  telemetry: ['domain', 'errors', 'ports'],
  store: ['domain', 'errors', 'ports', 'telemetry'],
  bus: ['domain', 'errors', 'ports', 'telemetry'],
  delivery: ['domain', 'errors', 'ports', 'telemetry'],
  processes: ['domain', 'errors', 'ports', 'telemetry', 'delivery'],
  identity: ['domain', 'errors', 'ports', 'telemetry'],
  inventory: ['domain', 'errors', 'ports', 'telemetry', 'delivery'],
  catalogue: ['domain', 'errors', 'ports', 'telemetry', 'delivery', 'identity'],
  connectors: ['domain', 'errors', 'ports', 'telemetry'],
  access: ['domain', 'errors', 'ports', 'telemetry'],
  ingest: ['domain', 'errors', 'ports', 'telemetry'],
  api: ['domain', 'errors', 'ports', 'telemetry', 'delivery', 'processes', 'identity', 'inventory', 'connectors', 'access', 'ingest'],
  cli: ['domain', 'errors', 'ports', 'telemetry', 'delivery', 'processes', 'identity', 'inventory', 'connectors', 'access', 'ingest'],
};

function layerOf(file: string, srcRoot: string): string | undefined {
  const path = relative(srcRoot, file);
  if (path.startsWith('..')) return undefined;
  return path.split(sep)[0];
}

/** `weft/layers`: reports an import that points against the direction of the layers. */
export const layersRule: Rule.RuleModule = {
  meta: { type: 'problem', docs: { description: 'Enforce the dependency direction of ARCHITECTURE.md between the folders of src/.' }, schema: [] },
  create(context) {
    const srcRoot = resolve(context.cwd, 'src');
    const from = layerOf(context.filename, srcRoot);
    if (!from || from === 'app' || !(from in layers)) return {};
    const allowed = new Set([from, ...(layers[from] ?? [])]);
    const check = (node: Rule.Node, specifier: unknown) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const to = layerOf(resolve(dirname(context.filename), specifier), srcRoot);
      if (to === undefined || allowed.has(to)) return;
      context.report({
        node,
        message: `src/${from} may not depend on src/${to}: see the layer table in eslint/layers.ts and ARCHITECTURE.md.`,
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

/** Every import specifier that is relative must name a file with its extension (Node strips types without a build). */
export const extensionsRule: Rule.RuleModule = {
  meta: { type: 'problem', docs: { description: 'Relative imports name the .ts file.' }, schema: [] },
  create(context) {
    const check = (node: Rule.Node, specifier: unknown) => {
      if (typeof specifier === 'string' && specifier.startsWith('.') && !/\.(ts|js|mjs|json)$/.test(specifier)) {
        context.report({ node, message: `Import "${specifier}" with its file extension (.ts): Node runs the sources without a build step.` });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
    };
  },
};
