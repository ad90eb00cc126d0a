import type { Order } from '../../../domain/order/order.schema.ts';
import { MappingError } from '../../../errors/index.ts';
import { toUtc, type InboundMapping, type MappedEvent, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import { orderLines, orderPayments, orderTaxResidue, pricesIncludeTaxOf } from './order-parts.ts';
import { isWeftOrder } from '../weft-orders.ts';
import { eventsOfWeftOrder } from './store-shipment.mapping.ts';
import { arr, dataObject, envelopeOf, moneyOr, obj, optStr, sourceSettings, str, type Enrichment, type Json } from './read.ts';

// Square order → weft.order.captured.v1 / weft.order.cancelled.v1. Square's order webhooks carry
// only {order_id, state, version}; `enrich` fetches the whole order, and this mapping reads that.
//
// Which state means what:
//   DRAFT              → ignored (not placed yet)
//   OPEN, COMPLETED    → captured, once per Square order: a later order.updated of an order already
//                        captured (fulfilment progress, payment, version bumps) is ignored with a reason
//   CANCELED           → cancelled, when Weft had captured the order; else ignored
//   created by Weft    → never captured, whatever its state (ship from store: store-shipment.mapping.ts
//                        takes the store's shipment from it, store-rejection.mapping.ts its rejection)
// "Captured already" is read from the cross-reference map: only this mapping links the order's
// fulfilment group (vendor id = the Square order id), so its presence means a captured event was
// committed. Payment events also link the order id, so the order id itself cannot tell.
//
// Totals: Square ORDER-scope discounts are kept on the order (their applied amounts are spread over
// the lines by Square, and left off the line totals here); LINE_ITEM discounts sit on their lines.
// Taxes are per line from `applied_taxes`. Service charges become shipping charges (Square has no
// other order-level charge). Tips are not part of the goods: they are left out of the totals and
// recorded in attributes.squareTipMoney; payments carry the tendered amount with the tip.

/** Country of a currency, for the tax jurisdiction when the settings name none. */
const COUNTRY_OF_CURRENCY: Readonly<Record<string, string>> = { USD: 'US', CAD: 'CA', GBP: 'GB', AUD: 'AU', JPY: 'JP' };

/** What the full-order mapping needs beyond the order. */
export interface OrderMappingInput {
  /** The Square Order object. */
  order: Json;
  /** JSON Pointer of the order in the payload it came from (`/_weft/order`, `/order`). */
  at: string;
  enrichment: Enrichment | undefined;
}

function jurisdictionOf(context: MappingContext, locationId: string, currency: string): string | undefined {
  const settings = sourceSettings(context);
  return settings.taxJurisdictionByLocation[locationId] ?? settings.taxJurisdiction ?? COUNTRY_OF_CURRENCY[currency];
}

async function fulfilmentGroupOf(order: Json, at: string, context: MappingContext, locationId: string, lineIds: string[], completed: boolean): Promise<Order['fulfilmentGroups'][number]> {
  const id = await context.ids.ref('fulfillmentGroup', str(order.id, `${at}/id`));
  const fulfillments = arr(order.fulfillments, `${at}/fulfillments`);
  if (fulfillments.length > 1) {
    throw new MappingError(`${at}/fulfillments has ${fulfillments.length} fulfilments`, [
      { pointer: `${at}/fulfillments`, message: 'orders with more than one Square fulfilment are not mapped yet: Weft needs to know which lines each one carries' },
    ]);
  }
  const [fulfillment] = fulfillments as Json[];
  const type = fulfillment === undefined ? undefined : optStr(fulfillment.type);
  if (type === 'PICKUP') {
    const pickup = fulfillment?.pickup_details === undefined ? {} : obj(fulfillment.pickup_details, `${at}/fulfillments/0/pickup_details`);
    const name = optStr(obj(pickup.recipient ?? {}, `${at}/fulfillments/0/pickup_details/recipient`).display_name);
    return { id, kind: 'pickup_in_store', locationId, lineIds, status: 'pending', ...(name === undefined ? {} : { pickupPerson: { name } }) };
  }
  if (type === 'SHIPMENT' || type === 'DELIVERY') {
    const p = `${at}/fulfillments/0/${type === 'SHIPMENT' ? 'shipment_details' : 'delivery_details'}`;
    const details = obj(fulfillment?.[type === 'SHIPMENT' ? 'shipment_details' : 'delivery_details'], p);
    const recipient = obj(details.recipient, `${p}/recipient`);
    const address = obj(recipient.address, `${p}/recipient/address`);
    const country = optStr(address.country) ?? sourceSettings(context).defaultCountry;
    if (country === undefined) throw new MappingError(`${p}/recipient/address/country is missing`, [{ pointer: `${p}/recipient/address/country`, message: 'a shipping address needs a country (or set defaultCountry)' }]);
    const region = optStr(address.administrative_district_level_1);
    const postalCode = optStr(address.postal_code);
    const name = optStr(recipient.display_name);
    return {
      id,
      kind: 'ship_from_store',
      locationId,
      lineIds,
      status: 'pending',
      shippingAddress: {
        line1: str(address.address_line_1, `${p}/recipient/address/address_line_1`),
        city: str(address.locality, `${p}/recipient/address/locality`),
        country,
        ...(name === undefined ? {} : { name }),
        ...(region === undefined ? {} : { region }),
        ...(postalCode === undefined ? {} : { postalCode }),
      },
    };
  }
  return { id, kind: 'in_store', locationId, lineIds, status: completed ? 'collected' : 'pending' };
}

/**
 * A full Square Order (RetrieveOrder's `order`) as Weft's Order. Used after enrich, and for any
 * Square order response. Totals add up by construction; where Square's own `total_money` differs
 * (cash rounding), the difference is recorded in attributes.squareTotalMismatch.
 */
export async function mapSquareOrder(input: OrderMappingInput, context: MappingContext): Promise<Order> {
  const { order, at } = input;
  const squareOrderId = str(order.id, `${at}/id`);
  const squareLocationId = str(order.location_id, `${at}/location_id`);
  const totalMoney = moneyOr(order.total_money, `${at}/total_money`, 'USD');
  const currency = totalMoney.currency;
  const id = await context.ids.ref('order', squareOrderId);
  const salesLocationId = await context.ids.ref('location', squareLocationId);
  const completed = order.state === 'COMPLETED';
  const pricesIncludeTax = pricesIncludeTaxOf(order, at);
  const jurisdiction = jurisdictionOf(context, squareLocationId, currency);
  const settings = sourceSettings(context);

  const lines = await orderLines({ order, at, enrichment: input.enrichment }, { context, settings, currency, jurisdiction, squareOrderId, completed });
  const lineIds = lines.map((line) => line.id);
  const group = await fulfilmentGroupOf(order, at, context, salesLocationId, lineIds, completed);
  for (const line of lines) line.fulfilmentGroupId = group.id;

  const discounts: Order['discounts'] = [];
  arr(order.discounts, `${at}/discounts`).forEach((value, i) => {
    const discount = obj(value, `${at}/discounts/${i}`);
    if (discount.scope !== 'ORDER') return;
    const name = optStr(discount.name);
    discounts.push({ amount: moneyOr(discount.applied_money, `${at}/discounts/${i}/applied_money`, currency), ...(name === undefined ? {} : { description: name.slice(0, 200) }) });
  });

  const { shippingCharges, taxes } = orderTaxResidue({ order, at, enrichment: input.enrichment }, { currency, jurisdiction, lines });
  const payments = await orderPayments(order, at, context, currency);

  const subtotal = lines.reduce((sum, line) => sum + line.total.amount, 0);
  const discountTotal = discounts.reduce((sum, d) => sum + d.amount.amount, 0);
  const shippingTotal = shippingCharges.reduce((sum, c) => sum + c.amount.amount, 0);
  const taxTotal =
    lines.reduce((sum, l) => sum + l.taxes.reduce((s, t) => s + t.amount.amount, 0), 0) +
    shippingCharges.reduce((sum, c) => sum + c.taxes.reduce((s, t) => s + t.amount.amount, 0), 0) +
    taxes.reduce((sum, t) => sum + t.amount.amount, 0);
  const grandTotal = subtotal - discountTotal + shippingTotal + (pricesIncludeTax ? 0 : taxTotal);

  const attributes: Record<string, string> = {};
  const tip = moneyOr(order.total_tip_money, `${at}/total_tip_money`, currency).amount;
  if (tip > 0) attributes.squareTipMoney = String(tip);
  const referenceId = optStr(order.reference_id);
  if (referenceId !== undefined) attributes.squareReferenceId = referenceId;
  const sourceName = optStr(obj(order.source ?? {}, `${at}/source`).name);
  if (sourceName !== undefined) attributes.squareSource = sourceName;
  if (grandTotal + tip !== totalMoney.amount) {
    attributes.squareTotalMismatch = `Square total_money ${totalMoney.amount} ≠ Weft grand total ${grandTotal} + tip ${tip}; the difference is Square's rounding adjustment or a charge Weft does not map`;
  }
  const customerId = optStr(order.customer_id);
  const placedAt = toUtc(order.created_at, `${at}/created_at`);
  return {
    id,
    orderNumber: squareOrderId,
    channel: 'pos',
    originSystem: context.system,
    salesLocationId,
    ...(customerId === undefined ? {} : { customerId: await context.ids.ref('customer', customerId) }),
    currency,
    pricesIncludeTax,
    lines,
    discounts,
    shippingCharges,
    taxes,
    payments,
    fulfilmentGroups: [group],
    totals: {
      subtotal: { amount: subtotal, currency },
      discountTotal: { amount: discountTotal, currency },
      shippingTotal: { amount: shippingTotal, currency },
      taxTotal: { amount: taxTotal, currency },
      grandTotal: { amount: grandTotal, currency },
    },
    status: 'captured',
    placedAt,
    externalRefs: [{ system: context.system, id: squareOrderId }],
    ...(Object.keys(attributes).length === 0 ? {} : { attributes }),
  };
}

/** Whether Weft already captured this Square order (its fulfilment group is linked only by a capture). */
export async function alreadyCaptured(context: MappingContext, squareOrderId: string): Promise<boolean> {
  return (await context.ids.find('fulfillmentGroup', squareOrderId)) !== undefined;
}

/** The canonical events of a full Square order in its current state (see the table at the top). */
export async function eventsOfOrder(input: OrderMappingInput, context: MappingContext): Promise<MappingOutcome> {
  const { order, at } = input;
  // An order Weft released to the store comes back on every update: never a sale, maybe a shipment.
  if (isWeftOrder(order)) return eventsOfWeftOrder(input, context);
  const squareOrderId = str(order.id, `${at}/id`);
  const state = str(order.state, `${at}/state`);
  if (state === 'DRAFT') return { kind: 'ignored', reason: `Square order ${squareOrderId} is a DRAFT: nothing was sold yet` };
  if (state === 'CANCELED') {
    if (!(await alreadyCaptured(context, squareOrderId))) return { kind: 'ignored', reason: `Square order ${squareOrderId} was cancelled before Weft captured it` };
    const orderId = await context.ids.ref('order', squareOrderId);
    const occurredAt = toUtc(order.closed_at ?? order.updated_at, `${at}/${order.closed_at === undefined ? 'updated_at' : 'closed_at'}`);
    const event: MappedEvent = { type: 'weft.order.cancelled.v1', subject: orderId, time: occurredAt, data: { orderId, reason: 'other', note: 'Cancelled in Square', occurredAt } };
    return { kind: 'events', events: [event] };
  }
  if (state !== 'OPEN' && state !== 'COMPLETED') {
    throw new MappingError(`${at}/state "${state}" is not a Square order state Weft knows`, [{ pointer: `${at}/state`, message: 'expected DRAFT, OPEN, COMPLETED or CANCELED' }]);
  }
  if (await alreadyCaptured(context, squareOrderId)) {
    return { kind: 'ignored', reason: `Square order ${squareOrderId} was captured already; a later update (${state}, version ${String(order.version)}) is not captured again` };
  }
  const data = await mapSquareOrder(input, context);
  return { kind: 'events', events: [{ type: 'weft.order.captured.v1', subject: data.id, time: data.placedAt, data }] };
}

/** order.created / order.updated: the enriched envelope's full order through eventsOfOrder. */
export const orderMapping: InboundMapping = {
  description:
    'order.created / order.updated / order.fulfillment.updated (enriched with RetrieveOrder) → weft.order.captured.v1 once per order, weft.order.cancelled.v1 on CANCELED; an order Weft created → weft.shipment.dispatched.v1 once the store completed its shipment, weft.order.release_rejected.v1 once the store cancelled it (not Weft)',
  async map(payload, context) {
    const { envelope, enrichment } = envelopeOf(payload);
    const summary = dataObject(envelope);
    if (enrichment?.order === undefined) {
      const key = Object.keys(summary)[0] ?? 'order_created';
      throw new MappingError('The order webhook was not enriched with the full order', [
        { pointer: `/data/object/${key}`, message: 'Square order webhooks carry only the order id; the source must enrich them (RetrieveOrder) before mapping' },
      ]);
    }
    return eventsOfOrder({ order: enrichment.order, at: '/_weft/order', enrichment }, context);
  },
};
