import { RuleTester } from 'eslint';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import tseslint from 'typescript-eslint';
import { extensionsRule, layersRule } from '../../eslint/layers.ts';

// The layer rule is what keeps the architecture's dependency direction; test that it bites.
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser as never, ecmaVersion: 2024, sourceType: 'module' } });
const file = (path: string) => join(process.cwd(), path);

tester.run('weft/layers', layersRule, {
  valid: [
    { filename: file('src/ports/store.ts'), code: "import { Money } from '../domain/shared/primitives.ts';" },
    { filename: file('src/api/server.ts'), code: "import { createAppendEvents } from '../ingest/append-events.ts';" },
    { filename: file('src/app/hub.ts'), code: "import { createSqliteStore } from '../store/sqlite/store.ts';" },
    { filename: file('src/domain/order/rules.ts'), code: "import Type from 'typebox'; import { x } from './order.schema.ts';" },
  ],
  invalid: [
    { filename: file('src/domain/order/rules.ts'), code: "import { systemClock } from '../../ports/clock.ts';", errors: [{ message: /src\/domain may not depend on src\/ports/ }] },
    { filename: file('src/api/server.ts'), code: "import { createSqliteStore } from '../store/sqlite/store.ts';", errors: 1 },
    { filename: file('src/ports/store.ts'), code: "export * from '../api/server.ts';", errors: 1 },
    { filename: file('src/ingest/x.ts'), code: "const m = import('../app/hub.ts');", errors: 1 },
  ],
});

tester.run('weft/extensions', extensionsRule, {
  valid: [{ code: "import { a } from './a.ts'; import b from 'fastify';" }],
  invalid: [{ code: "import { a } from './a';", errors: 1 }],
});
