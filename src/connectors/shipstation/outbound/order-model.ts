import type { Address } from '../../../domain/shared/primitives.ts';
import type { Order } from '../../../domain/order/order.schema.ts';
import { currencyExponent } from '../../sdk/index.ts';
import { toShipStationTime } from '../time.ts';

// A canonical Order as ShipStation orders (Order model of API V1). A ShipStation order has one
// shipTo, so each fulfilment group that ships becomes one ShipStation order. The canonical ids ride
// along where ShipStation gives them back on shipments: orderKey (the order), items[].lineItemKey
// (the line) and advancedOptions.customField1 (the group).

/** How an Order is cut into ShipStation orders. */
export interface OrderModelOptions {
  /** Fulfilment kinds that go to ShipStation (`ship`). */
  kinds: readonly string[];
  /** ShipStation store, when orders go to a specific one. */
  storeId: number | undefined;
  /** Time zone ShipStation reads timestamps in. */
  timeZone: string;
}

/** A ShipStation address (V1 Address model). */
export interface ShipStationAddress {
  name: string;
  company: string | null;
  street1: string;
  street2: string | null;
  street3: string | null;
  city: string;
  state: string | null;
  postalCode: string | null;
  country: string;
  phone: string | null;
  residential: boolean | null;
}

/** One ShipStation order body for POST /orders/createorder. */
export interface ShipStationOrderBody {
  orderNumber: string;
  orderKey: string;
  orderDate: string;
  orderStatus: 'awaiting_shipment' | 'cancelled';
  customerEmail?: string;
  billTo: ShipStationAddress;
  shipTo: ShipStationAddress;
  items: { lineItemKey: string; sku: string; name: string; quantity: number; unitPrice: number }[];
  amountPaid: number;
  taxAmount: number;
  shippingAmount: number;
  requestedShippingService?: string;
  advancedOptions: { storeId?: number; customField1: string; customField2: string; source: string };
}

/** A group Weft could not send, and why (a problem of the command, not of ShipStation). */
export interface OrderModelProblem {
  /** JSON Pointer into the command payload. */
  pointer: string;
  message: string;
}

/** Minor units as the decimal number ShipStation takes (12999 EUR → 129.99). */
export function decimalOf(minor: number, currency: string): number {
  const exponent = currencyExponent(currency);
  return Number((minor / 10 ** exponent).toFixed(exponent));
}

/** A canonical address as ShipStation's. */
export function toShipStationAddress(address: Address): ShipStationAddress {
  return {
    name: address.name ?? address.company ?? '',
    company: address.company ?? null,
    street1: address.line1,
    street2: address.line2 ?? null,
    street3: null,
    city: address.city,
    state: address.region ?? null,
    postalCode: address.postalCode ?? null,
    country: address.country,
    phone: address.phone ?? null,
    residential: null,
  };
}

/**
 * The orderKey of a group's ShipStation order: the order id when one group of the order ships
 * (the usual case), else `<order id>:<n>` (n from 1, in the order of fulfilmentGroups).
 */
export function orderKeyOf(orderId: string, index: number, count: number): string {
  return count === 1 ? orderId : `${orderId}:${index + 1}`;
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/**
 * The ShipStation orders of an Order, one per shipping fulfilment group with units left to ship.
 * Order-level amounts (discounts, taxes, charges without a group) go to the first. Problems point
 * into the payload under `base` (`/data`).
 */
export function shipStationOrders(order: Order, options: OrderModelOptions, base: string): { orders: ShipStationOrderBody[]; problems: OrderModelProblem[] } {
  const problems: OrderModelProblem[] = [];
  const shipping = order.fulfilmentGroups
    .map((group, index) => ({ group, index }))
    .filter(({ group }) => options.kinds.includes(group.kind) && group.status !== 'cancelled');
  const groups = shipping
    .map(({ group, index }) => ({
      group,
      index,
      lines: order.lines
        .map((line, lineIndex) => ({ line, lineIndex, quantity: line.status === 'cancelled' ? 0 : line.quantity - (line.cancelledQuantity ?? 0) }))
        .filter(({ line, quantity }) => line.fulfilmentGroupId === group.id && quantity > 0),
    }))
    .filter(({ lines }) => lines.length > 0);
  const currency = order.currency;
  const orderDate = toShipStationTime(order.placedAt, options.timeZone);
  const orders: ShipStationOrderBody[] = [];
  groups.forEach(({ group, index, lines }, n) => {
    if (group.shippingAddress === undefined) {
      problems.push({ pointer: `${base}/fulfilmentGroups/${index}/shippingAddress`, message: `a ${group.kind} group needs a shipping address for ShipStation's shipTo` });
      return;
    }
    const first = n === 0;
    const charges = order.shippingCharges.filter((charge) => charge.fulfilmentGroupId === group.id || (first && charge.fulfilmentGroupId === undefined));
    const lineTotal = sum(lines.map(({ line }) => line.total.amount));
    const shippingAmount = sum(charges.map((charge) => charge.amount.amount));
    const taxAmount =
      sum(lines.flatMap(({ line }) => line.taxes.map((tax) => tax.amount.amount))) +
      sum(charges.flatMap((charge) => charge.taxes.map((tax) => tax.amount.amount))) +
      (first ? sum(order.taxes.map((tax) => tax.amount.amount)) : 0);
    const discounts = first ? sum(order.discounts.map((discount) => discount.amount.amount)) : 0;
    // As the order's grandTotal is built: tax is inside the other amounts when prices include it.
    const amountPaid = lineTotal - discounts + shippingAmount + (order.pricesIncludeTax ? 0 : taxAmount);
    const method = group.shippingMethod;
    const service = method === undefined ? undefined : [method.carrier, method.service].filter((part) => part !== undefined).join(' ') || method.code;
    const body: ShipStationOrderBody = {
      orderNumber: groups.length === 1 ? order.orderNumber : `${order.orderNumber}-${n + 1}`,
      orderKey: orderKeyOf(order.id, n, groups.length),
      orderDate,
      orderStatus: 'awaiting_shipment',
      billTo: toShipStationAddress(order.billingAddress ?? group.shippingAddress),
      shipTo: toShipStationAddress(group.shippingAddress),
      items: lines.map(({ line, quantity }) => ({
        lineItemKey: line.id,
        sku: line.sku,
        name: line.name ?? line.sku,
        quantity,
        unitPrice: decimalOf(line.unitPrice.amount, currency),
      })),
      amountPaid: decimalOf(Math.max(0, amountPaid), currency),
      taxAmount: decimalOf(taxAmount, currency),
      shippingAmount: decimalOf(shippingAmount, currency),
      advancedOptions: {
        ...(options.storeId === undefined ? {} : { storeId: options.storeId }),
        customField1: group.id,
        customField2: order.id,
        source: 'weft',
      },
    };
    if (order.guestEmail !== undefined) body.customerEmail = order.guestEmail;
    if (service !== undefined) body.requestedShippingService = service;
    orders.push(body);
  });
  return { orders, problems };
}
