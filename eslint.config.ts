import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Layers of ARCHITECTURE.md, lowest first. A file may import from its own layer and the layers the
// table allows; everything else is a lint error. `app` is the composition root and may import all.
const layers: Record<string, string[]> = {
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
  connectors: ['domain', 'errors', 'ports', 'telemetry'],
  access: ['domain', 'errors', 'ports', 'telemetry'],
  ingest: ['domain', 'errors', 'ports', 'telemetry'],
  api: ['domain', 'errors', 'ports', 'telemetry', 'delivery', 'processes', 'identity', 'connectors', 'access', 'ingest'],
  cli: ['domain', 'errors', 'ports', 'telemetry', 'delivery', 'processes', 'identity', 'connectors', 'access', 'ingest'],
};
const all = [...Object.keys(layers), 'app'];

const zones = Object.entries(layers).flatMap(([layer, allowed]) =>
  all
    .filter((other) => other !== layer && !allowed.includes(other))
    .map((other) => ({
      target: `./src/${layer}`,
      from: `./src/${other}`,
      message: `src/${layer} may not depend on src/${other} (see the layer table in eslint.config.ts and ARCHITECTURE.md).`,
    })),
);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.weft/**', 'bench/results/**', 'console/dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js', '.mjs'] } } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      // Node strips types without a build step, so relative imports must name the .ts file.
      'import-x/extensions': ['error', 'ignorePackages', { ts: 'always', js: 'always' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a union of literals or an `as const` object: Node runs erasable syntax only.' },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'Namespaces are not erasable syntax.' },
        { selector: 'TSParameterProperty', message: 'Parameter properties are not erasable syntax.' },
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only src/config reads process.env: add a config field instead.',
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests exercise real adapters (never mocks of them), so they may reach across layers.
    files: ['src/config/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '**/*.test.ts'],
    rules: { 'no-restricted-syntax': 'off', 'import-x/no-restricted-paths': 'off' },
  },
);
