import tseslint from 'typescript-eslint';
import { extensionsRule, layersRule } from './eslint/layers.ts';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.weft/**', 'bench/results/**', 'console/dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { weft: { rules: { layers: layersRule, extensions: extensionsRule } } },
    rules: {
      'weft/layers': 'error',
      'weft/extensions': 'error',
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
    rules: { 'no-restricted-syntax': 'off', 'weft/layers': 'off' },
  },
);
