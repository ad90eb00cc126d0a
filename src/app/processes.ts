import type { Config } from '../config/schema.ts';
import { ConfigError } from '../errors/index.ts';
import type { DeliveryTarget } from '../ports/connector.ts';
import type { ProcessDefinition } from '../processes/engine/definition.ts';
import { orderToCash } from '../processes/order-to-cash/definition.ts';

// Every process the hub runs, from config, every version still needed by instances in flight, each
// checked against the configured targets before anything starts.

/** The processes the configuration turns on; a ConfigError names any target or action missing. */
export function buildProcesses(config: Config, targets: ReadonlyMap<string, DeliveryTarget>): ProcessDefinition<unknown>[] {
  const definitions: ProcessDefinition<unknown>[] = [];
  const o2c = config.processes.orderToCash;
  if (o2c.enabled) {
    const problems: string[] = [];
    const need = (field: string, name: string, actions: string[]): void => {
      const target = targets.get(name);
      if (name === '') problems.push(`processes.orderToCash.${field} is required when order-to-cash is enabled (a target name).`);
      else if (!target) problems.push(`processes.orderToCash.${field} "${name}" is not a configured target (targets: ${[...targets.keys()].join(', ') || 'none'}).`);
      else for (const action of actions) if (!target.actions[action]) problems.push(`processes.orderToCash.${field} "${name}" has no action ${action} (connector ${target.connector}).`);
    };
    need('erp', o2c.erp, ['upsertSalesOrder', 'closeSalesOrder', 'invoiceSalesOrder', ...(o2c.recordPayments ? ['recordPayment'] : [])]);
    if (o2c.warehouse !== '') need('warehouse', o2c.warehouse, ['releaseOrder', 'cancelOrder']);
    if (o2c.crm !== '') need('crm', o2c.crm, ['noteOrder']);
    if (o2c.stores.target !== '') {
      need('stores.target', o2c.stores.target, ['releaseOrder', 'cancelOrder']);
      if (o2c.stores.locations.length === 0) problems.push('processes.orderToCash.stores.locations names no location: list the store locations (loc_…) that ship parcels, or leave stores.target empty.');
    }
    for (const [system, target] of Object.entries(o2c.channels)) need(`channels.${system}`, target, ['noteOrder', ...(o2c.capturePayments ? ['capturePayment'] : [])]);
    if (problems.length > 0) throw new ConfigError('invalid_config', `Invalid configuration:\n  ${problems.join('\n  ')}`);
    const settings = { erp: o2c.erp, warehouse: o2c.warehouse === '' ? undefined : o2c.warehouse, collectWithinHours: o2c.collectWithinHours, channels: o2c.channels, capturePayments: o2c.capturePayments, recordPayments: o2c.recordPayments, shortShipmentWaitHours: o2c.shortShipmentWaitHours, crm: o2c.crm === '' ? undefined : o2c.crm, stores: o2c.stores.target === '' ? undefined : o2c.stores, erpClosesLines: targets.get(o2c.erp)?.actions.closeLines !== undefined, channelsCancel: [...new Set(Object.values(o2c.channels))].filter((name) => targets.get(name)?.actions.cancelOrder !== undefined) };
    // Every version still needed: orders started on version 1 finish on it.
    definitions.push(orderToCash(settings, 1) as ProcessDefinition<unknown>, orderToCash(settings, 2) as ProcessDefinition<unknown>);
  }
  return definitions;
}
