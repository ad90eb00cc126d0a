import { createApiKeyService } from '../../access/api-keys.ts';
import type { Command } from '../command.ts';

/** `weft keys revoke <id>`: stop a key from working. */
export const keysRevokeCommand: Command = {
  name: 'keys revoke',
  summary: 'Revoke an API key',
  usage: `weft keys revoke <key id>

A running hub stops accepting the key within auth.keyCacheMs (default 1 s); revoking through the
API (DELETE /v1/keys/<id>) takes effect at once.`,
  options: {},
  positionals: true,
  async run(context, { positionals }) {
    const [id, ...rest] = positionals;
    if (!id || rest.length > 0) {
      context.err('weft keys revoke needs exactly one key id (see: weft keys list).');
      return 2;
    }
    const store = await context.openStore();
    try {
      const keys = createApiKeyService({ store, clock: context.clock, ids: context.ids }, { cacheMs: 0 });
      if (!(await keys.revoke(id))) {
        context.err(`No active API key ${id} (see: weft keys list).`);
        return 1;
      }
      context.err(`Revoked ${id}.`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
