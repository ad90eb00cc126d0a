import { createApiKeyService, scopes } from '../../access/api-keys.ts';
import type { Command } from '../command.ts';

/** `weft keys create`: issue an API key and print its token once. */
export const keysCreateCommand: Command = {
  name: 'keys create',
  summary: 'Create an API key (the token is printed once)',
  usage: `weft keys create --name <name> --scope <scope>[,<scope>...]

Scopes: ${scopes.join(', ')} (admin implies all).
The token is printed once on stdout; Weft stores only its SHA-256 hash.

Example:
  weft keys create --name shopify-bridge --scope events:write,events:read`,
  options: { name: { type: 'string' }, scope: { type: 'string', multiple: true } },
  async run(context, { values }) {
    const name = typeof values.name === 'string' ? values.name : undefined;
    const requested = (Array.isArray(values.scope) ? values.scope : []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
    if (!name || requested.length === 0) {
      context.err('weft keys create needs --name and at least one --scope. See: weft keys create --help');
      return 2;
    }
    const store = await context.openStore();
    try {
      const keys = createApiKeyService({ store, clock: context.clock, ids: context.ids }, { cacheMs: 0 });
      const issued = await keys.create(name, requested);
      context.err(`Created ${issued.record.id} "${issued.record.name}" with scopes ${issued.record.scopes.join(', ')}. The token below is shown only once:`);
      context.out(issued.token);
      return 0;
    } finally {
      await store.close();
    }
  },
};
