// orders/create → weft.order.captured.v1: the whole Shopify order as Weft's canonical Order.
//
// How Shopify's numbers become Weft's totals (src/domain/order/rules.ts):
// - a line's unit price is `price`; its discounts are its `discount_allocations` (Shopify allocates
//   every discount, code or automatic, onto lines), named after their `discount_applications` entry;
// - what `total_discounts` holds beyond those allocations becomes one order-level discount;
// - shipping charges are `price` less their own discount allocations (`discounted_price` is not
//   used: Shopify's own sample gives 0.00 there while its totals count the full 10.00);
// - taxes are the lines' and shipping lines' `tax_lines`; `taxes_included` is pricesIncludeTax;
// - the grand total is Shopify's `total_price`, and the mapping refuses an order whose parts do not
//   add up to it, pointing at /total_price.

import { MappingError } from '../../../errors/index.ts';
import type { Discount, Order, OrderLine, ShippingCharge } from '../../../domain/order/order.schema.ts';
import type { FulfilmentGroup } from '../../../domain/order/fulfilment-group.schema.ts';
import { toMinorUnits, toUtc, type InboundMapping, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import type { ShopifySourceSettings } from '../settings.ts';
import { channelOf, currencyOf, jurisdictionOf, paymentsOf, taxLinesOf } from './order-parts.ts';
import { addressOf, arrayAt, idAt, integerAt, isObject, minorOrZero, money, optObject, optString, rootObject, type Json } from './payload.ts';

type GroupKind = FulfilmentGroup['kind'];

/** Source settings as a mapping reads them (tests may pass a partial object). */
export function sourceSettings(context: MappingContext): Partial<ShopifySourceSettings> {
  return isObject(context.settings) ? (context.settings as Partial<ShopifySourceSettings>) : {};
}

function discountOf(application: unknown, amount: number, currency: string): Discount {
  const discount: Discount = { amount: money(amount, currency) };
  if (!isObject(application)) return discount;
  const code = application.type === 'discount_code' ? optString(application.code) : undefined;
  if (code !== undefined) discount.couponCode = code.slice(0, 100);
  const text = optString(application.title) ?? optString(application.description) ?? code;
  if (text !== undefined) discount.description = text.slice(0, 200);
  return discount;
}

function propertiesOf(value: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const entry of Array.isArray(value) ? value : []) {
    if (!isObject(entry)) continue;
    const name = optString(entry.name);
    const text = typeof entry.value === 'string' ? entry.value : typeof entry.value === 'number' ? String(entry.value) : undefined;
    if (name !== undefined && text !== undefined) out[name.slice(0, 100)] = text.slice(0, 4000);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Which shipping line makes the order a pick-up, by the codes the source is configured with. */
function pickupLocationOf(order: Json, settings: Partial<ShopifySourceSettings>): string | undefined {
  const codes = settings.pickupShippingCodes ?? {};
  for (const raw of arrayAt(order.shipping_lines, '/shipping_lines')) {
    if (!isObject(raw)) continue;
    for (const key of [optString(raw.code), optString(raw.title)]) if (key !== undefined && codes[key] !== undefined) return codes[key];
  }
  return undefined;
}

interface LineDraft {
  line: OrderLine;
  kind: GroupKind;
  allocated: number;
}

async function lineOf(raw: unknown, i: number, order: Json, currency: string, jurisdiction: string, kindForShipping: GroupKind, context: MappingContext): Promise<LineDraft> {
  const at = `/line_items/${i}`;
  if (!isObject(raw)) throw new MappingError(`${at} is not an object`, [{ pointer: at, message: 'expected a line item object' }]);
  const sku = optString(raw.sku);
  if (sku === undefined) {
    throw new MappingError(`${at}/sku is missing: Weft stocks, fulfils and reports lines by SKU`, [{ pointer: `${at}/sku`, message: `line "${optString(raw.name) ?? '?'}" has no SKU; give the variant a SKU in Shopify` }]);
  }
  const quantity = integerAt(raw.quantity, `${at}/quantity`);
  const unit = toMinorUnits(raw.price, currency, `${at}/price`);
  const applications = arrayAt(order.discount_applications, '/discount_applications');
  let allocated = 0;
  const discounts = arrayAt(raw.discount_allocations, `${at}/discount_allocations`).map((allocation, j) => {
    const a = isObject(allocation) ? allocation : {};
    const amount = toMinorUnits(a.amount, currency, `${at}/discount_allocations/${j}/amount`);
    allocated += amount;
    const index = typeof a.discount_application_index === 'number' ? a.discount_application_index : -1;
    return discountOf(applications[index], amount, currency);
  });
  const total = quantity * unit - allocated;
  if (total < 0) throw new MappingError(`${at} is discounted below zero`, [{ pointer: `${at}/discount_allocations`, message: `discounts of ${allocated} exceed ${quantity} × ${unit}` }]);
  const line: OrderLine = {
    id: await context.ids.ref('orderLine', idAt(raw.id, `${at}/id`)),
    sku: sku.slice(0, 64),
    quantity,
    unitPrice: money(unit, currency),
    discounts,
    taxes: taxLinesOf(raw.tax_lines, `${at}/tax_lines`, currency, jurisdiction),
    total: money(total, currency),
    fulfilmentGroupId: '',
    status: 'open',
  };
  const name = optString(raw.name) ?? optString(raw.title);
  if (name !== undefined) line.name = name.slice(0, 300);
  if (typeof raw.current_quantity === 'number' && Number.isSafeInteger(raw.current_quantity) && raw.current_quantity < quantity && raw.current_quantity >= 0) {
    line.cancelledQuantity = quantity - raw.current_quantity;
  }
  const attributes = propertiesOf(raw.properties);
  if (attributes !== undefined) line.attributes = attributes;
  const kind: GroupKind = raw.requires_shipping === false ? 'digital' : kindForShipping;
  return { line, kind, allocated };
}

async function shippingChargesOf(order: Json, currency: string, jurisdiction: string): Promise<{ charges: ShippingCharge[]; allocated: number }> {
  let allocated = 0;
  const charges: ShippingCharge[] = [];
  const lines = arrayAt(order.shipping_lines, '/shipping_lines');
  for (let i = 0; i < lines.length; i++) {
    const at = `/shipping_lines/${i}`;
    const raw = isObject(lines[i]) ? (lines[i] as Json) : {};
    if (raw.is_removed === true) continue;
    let discount = 0;
    arrayAt(raw.discount_allocations, `${at}/discount_allocations`).forEach((allocation, j) => {
      discount += toMinorUnits(isObject(allocation) ? allocation.amount : undefined, currency, `${at}/discount_allocations/${j}/amount`);
    });
    allocated += discount;
    const amount = toMinorUnits(raw.price, currency, `${at}/price`) - discount;
    charges.push({
      code: (optString(raw.code) ?? optString(raw.title) ?? 'shipping').slice(0, 50),
      amount: money(Math.max(0, amount), currency),
      taxes: taxLinesOf(raw.tax_lines, `${at}/tax_lines`, currency, jurisdiction),
    });
  }
  return { charges, allocated };
}

/** Maps an orders/create payload to weft.order.captured.v1. */
export async function mapOrderCreated(payload: unknown, context: MappingContext): Promise<MappingOutcome> {
  const order = rootObject(payload, 'orders/create');
  const settings = sourceSettings(context);
  const orderVendorId = idAt(order.id, '/id');
  if (order.test === true && settings.skipTestOrders === true) return { kind: 'ignored', reason: `Shopify order ${orderVendorId} is a test order and the source skips test orders` };
  const currency = currencyOf(order);
  const jurisdiction = jurisdictionOf(order, 'US');
  const channel = channelOf(order.source_name);
  const pickupLocation = pickupLocationOf(order, settings);
  const posLocation = channel === 'pos' && order.location_id !== null && order.location_id !== undefined ? idAt(order.location_id, '/location_id') : undefined;
  if (channel === 'pos' && posLocation === undefined) throw new MappingError('A POS order without location_id', [{ pointer: '/location_id', message: 'a pos order must name the store that made the sale' }]);
  const kindForShipping: GroupKind = posLocation !== undefined ? 'in_store' : pickupLocation !== undefined ? 'pickup_in_store' : 'ship';

  const items = arrayAt(order.line_items, '/line_items');
  if (items.length === 0) throw new MappingError('The order has no line items', [{ pointer: '/line_items', message: 'an order needs at least one line' }]);
  const drafts: LineDraft[] = [];
  for (let i = 0; i < items.length; i++) drafts.push(await lineOf(items[i], i, order, currency, jurisdiction, kindForShipping, context));

  // One fulfilment group per kind; its vendor id is `<order id>/<kind>`, so fulfillments/create finds it again.
  const groups = new Map<GroupKind, FulfilmentGroup>();
  for (const draft of drafts) {
    let group = groups.get(draft.kind);
    if (group === undefined) {
      group = { id: await context.ids.ref('fulfillmentGroup', `${orderVendorId}/${draft.kind}`), kind: draft.kind, lineIds: [], status: 'pending' };
      groups.set(draft.kind, group);
    }
    draft.line.fulfilmentGroupId = group.id;
    group.lineIds.push(draft.line.id);
  }
  for (const group of groups.values()) {
    if (group.kind === 'ship') {
      const address = addressOf(order.shipping_address, '/shipping_address');
      if (address === undefined) throw new MappingError('Lines to ship but no usable shipping address', [{ pointer: '/shipping_address', message: 'needs address1, city and country_code' }]);
      group.shippingAddress = address;
      const first = arrayAt(order.shipping_lines, '/shipping_lines').find((line) => isObject(line) && line.is_removed !== true);
      const code = isObject(first) ? (optString(first.code) ?? optString(first.title)) : undefined;
      if (code !== undefined) group.shippingMethod = { code: code.slice(0, 50) };
    } else if (group.kind === 'pickup_in_store') {
      group.locationId = await context.ids.ref('location', pickupLocation as string);
    } else if (group.kind === 'in_store') {
      group.locationId = await context.ids.ref('location', posLocation as string);
    } else if (group.kind === 'digital') {
      const email = optString(order.email);
      if (email !== undefined && email.includes('@')) group.deliveryEmail = email;
    }
  }

  const { charges, allocated: shippingAllocated } = await shippingChargesOf(order, currency, jurisdiction);
  const shippingGroup = groups.get(kindForShipping);
  if (shippingGroup !== undefined) for (const charge of charges) charge.fulfilmentGroupId = shippingGroup.id;

  const lineAllocated = drafts.reduce((sum, draft) => sum + draft.allocated, 0);
  const totalDiscounts = minorOrZero(order.total_discounts, currency, '/total_discounts');
  const residual = totalDiscounts - lineAllocated - shippingAllocated;
  const discounts: Discount[] = [];
  if (residual > 0) {
    const codes = arrayAt(order.discount_codes, '/discount_codes').filter(isObject);
    const discount: Discount = { amount: money(residual, currency), description: 'Order discount not allocated to lines by Shopify' };
    const code = codes.length === 1 ? optString((codes[0] as Json).code) : undefined;
    if (code !== undefined) discount.couponCode = code.slice(0, 100);
    discounts.push(discount);
  }

  const lines = drafts.map((draft) => draft.line);
  const subtotal = lines.reduce((sum, line) => sum + line.total.amount, 0);
  const shippingTotal = charges.reduce((sum, charge) => sum + charge.amount.amount, 0);
  const taxTotal = [...lines.flatMap((line) => line.taxes), ...charges.flatMap((charge) => charge.taxes)].reduce((sum, tax) => sum + tax.amount.amount, 0);
  const discountTotal = discounts.reduce((sum, discount) => sum + discount.amount.amount, 0);
  const pricesIncludeTax = order.taxes_included === true;
  const grandTotal = toMinorUnits(order.total_price, currency, '/total_price');
  const expected = subtotal - discountTotal + shippingTotal + (pricesIncludeTax ? 0 : taxTotal);
  if (expected !== grandTotal) {
    throw new MappingError('The order\'s parts do not add up to total_price', [
      { pointer: '/total_price', message: `lines ${subtotal} − discounts ${discountTotal} + shipping ${shippingTotal}${pricesIncludeTax ? '' : ` + tax ${taxTotal}`} = ${expected} minor units, but total_price is ${grandTotal}` },
    ]);
  }

  const placedAt = toUtc(order.processed_at ?? order.created_at, order.processed_at ? '/processed_at' : '/created_at');
  const data: Order = {
    id: await context.ids.ref('order', orderVendorId),
    orderNumber: (optString(order.name) ?? String(order.order_number ?? orderVendorId)).slice(0, 64),
    channel,
    originSystem: context.system,
    currency,
    pricesIncludeTax,
    lines,
    discounts,
    shippingCharges: charges,
    taxes: [],
    payments: await paymentsOf(order, orderVendorId, currency, grandTotal, placedAt, context.ids),
    fulfilmentGroups: [...groups.values()],
    totals: {
      subtotal: money(subtotal, currency),
      discountTotal: money(discountTotal, currency),
      shippingTotal: money(shippingTotal, currency),
      taxTotal: money(taxTotal, currency),
      grandTotal: money(grandTotal, currency),
    },
    status: 'captured',
    placedAt,
    externalRefs: [{ system: context.system, id: orderVendorId }],
  };
  if (posLocation !== undefined) data.salesLocationId = await context.ids.ref('location', posLocation);
  const customer = optObject(order.customer, '/customer');
  if (customer !== undefined && customer.id !== undefined && customer.id !== null) data.customerId = await context.ids.ref('customer', idAt(customer.id, '/customer/id'));
  else {
    const email = optString(order.email) ?? optString(order.contact_email);
    if (email !== undefined && email.includes('@')) data.guestEmail = email;
  }
  const locale = optString(order.customer_locale);
  if (locale !== undefined && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale)) data.locale = locale;
  const billing = addressOf(order.billing_address, '/billing_address');
  if (billing !== undefined) data.billingAddress = billing;
  const attributes: Record<string, string> = {};
  const tags = optString(order.tags);
  if (tags !== undefined) attributes.shopifyTags = tags.slice(0, 4000);
  const note = optString(order.note);
  if (note !== undefined) attributes.note = note.slice(0, 4000);
  for (const [key, value] of Object.entries(propertiesOf(order.note_attributes) ?? {})) attributes[key] = value;
  if (Object.keys(attributes).length > 0) data.attributes = attributes;
  return { kind: 'events', events: [{ type: 'weft.order.captured.v1', subject: data.id, time: placedAt, data }] };
}

/** orders/create → weft.order.captured.v1. */
export const ordersCreateMapping: InboundMapping = {
  description: 'orders/create → weft.order.captured.v1: lines by SKU with discounts and taxes, shipping charges, one payment from the financial status, fulfilment groups (ship, pick-up by configured rate code, in-store for POS, digital), customer or guest email, totals checked against total_price.',
  map: mapOrderCreated,
};
