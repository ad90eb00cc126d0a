import type { Command } from '../command.ts';

/** `weft keys list`: every key with its scopes and state (never a secret). */
export const keysListCommand: Command = {
  name: 'keys list',
  summary: 'List API keys (ids, names, scopes, state)',
  usage: `weft keys list [--json]`,
  options: { json: { type: 'boolean' } },
  async run(context, { values }) {
    const store = await context.openStore();
    try {
      const keys = await store.listApiKeys();
      if (values.json) {
        for (const key of keys) context.out(JSON.stringify({ id: key.id, name: key.name, scopes: key.scopes, createdAt: key.createdAt, revokedAt: key.revokedAt ?? null }));
        return 0;
      }
      if (keys.length === 0) {
        context.out('No API keys. Start Weft once (weft start) or create one: weft keys create --name <name> --scope admin');
        return 0;
      }
      context.out(['ID'.padEnd(30), 'STATE'.padEnd(8), 'CREATED'.padEnd(24), 'SCOPES'.padEnd(32), 'NAME'].join(' '));
      for (const key of keys) {
        context.out([key.id.padEnd(30), (key.revokedAt ? 'revoked' : 'active').padEnd(8), key.createdAt.padEnd(24), key.scopes.join(',').padEnd(32), key.name].join(' '));
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
