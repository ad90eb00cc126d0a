import type { Config } from '../config/schema.ts';
import { ConfigError } from '../errors/index.ts';
import type { ChannelRule } from '../inventory/projection.ts';
import type { PublishRule } from '../inventory/publisher.ts';
import type { DeliveryTarget } from '../ports/connector.ts';

// The composition root's reading of the inventory config: the channels' rules with their defaults,
// and the publish rules checked against the channels and the configured targets before anything opens.

/** Each configured channel's rule, defaults filled in. */
export function inventoryChannels(config: Config): Record<string, ChannelRule> {
  return Object.fromEntries(Object.entries(config.inventory.channels).map(([name, rule]) => [name, { locations: rule.locations, safetyStock: rule.safetyStock ?? 0, includeInTransit: rule.includeInTransit ?? false }]));
}

/** The publish rules; a ConfigError names a channel or target action that is not configured. */
export function buildPublishRules(config: Config, targets: ReadonlyMap<string, DeliveryTarget>): PublishRule[] {
  const rules = config.inventory.publish.map((rule) => ({ channel: rule.channel, target: rule.target, action: rule.action ?? 'setInventory' }));
  const problems = rules.flatMap((rule, index) => [
    ...(config.inventory.channels[rule.channel] ? [] : [`inventory.publish.${index}.channel "${rule.channel}" is not in inventory.channels (channels: ${Object.keys(config.inventory.channels).join(', ') || 'none'}).`]),
    ...(targets.get(rule.target)?.actions[rule.action] ? [] : [`inventory.publish.${index}: target "${rule.target}" with an action ${rule.action} is not configured.`]),
  ]);
  if (problems.length > 0) throw new ConfigError('invalid_config', `Invalid configuration:\n  ${problems.join('\n  ')}`);
  return rules;
}
