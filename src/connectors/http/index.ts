import type { ConnectorModule } from '../sdk/index.ts';
import { createHttpTarget } from './connector.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, HttpTargetSettings, parseHttpTargetSettings } from './settings.ts';

/** The generic HTTP connector: any REST target, its actions defined in config. */
export const httpConnector: ConnectorModule = {
  manifest: {
    name: 'http',
    displayName: 'Generic HTTP (any REST API)',
    systemType: 'generic',
    reads: [],
    writes: ['any (actions are configured)'],
    auth: { method: 'none, bearer token, basic, or HMAC-SHA256 signed body (settings.auth)' },
    settings: HttpTargetSettings,
    rateLimit: DEFAULT_RATE_LIMIT,
    retry: DEFAULT_RETRY,
    breaker: DEFAULT_BREAKER,
    topics: {},
    // Actions are whatever the target's settings define.
    actions: {},
  },
  createTarget: (name, settings, deps) => createHttpTarget(name, parseHttpTargetSettings(name, settings), deps),
};
