import Type, { type Static } from 'typebox';
import {
  Address,
  Attributes,
  BasisPoints,
  CurrencyCode,
  Email,
  ExternalRefs,
  LanguageTag,
  NonNegativeMoney,
  SalesChannel,
  Sku,
  Instant,
  SystemName,
} from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';
import { FulfilmentGroup } from './fulfilment-group.schema.ts';
import { Payment } from './payment.schema.ts';

// The order as captured from any channel. Totals convention (checked in rules.ts):
//   line total  = quantity × unit price − line discounts        (in the basis of the unit price)
//   subtotal    = Σ line totals
//   discounts   = Σ order-level discounts                       (line discounts are already in line totals)
//   shipping    = Σ shipping charges                            (after shipping discounts)
//   tax         = Σ line taxes + Σ shipping taxes + Σ order-level taxes
//   grand total = subtotal − discounts + shipping + (pricesIncludeTax ? 0 : tax)
// With pricesIncludeTax (EU consumer prices) taxes are the share already inside the amounts and are
// never added again; without it (US) they come on top. Line totals never include added tax.

/** A tax on a line, a shipping charge or the order, per jurisdiction, as the tax engine computed it. */
export const TaxLine = Type.Object(
  {
    jurisdiction: Type.String({
      pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?(-[A-Z0-9_]{1,40})*$',
      description: 'Country, subdivision and local levels (DE, US-TX, US-TX-AUSTIN).',
      examples: ['DE', 'US-TX', 'US-TX-AUSTIN'],
    }),
    name: Type.Optional(Type.String({ maxLength: 100, description: 'Name of the tax as printed for the customer.', examples: ['VAT', 'Texas state sales tax'] })),
    rate: Type.With(BasisPoints, { description: 'Tax rate in basis points: 1900 = 19 %.' }),
    amount: Type.With(NonNegativeMoney, {
      description: 'Tax amount, after order-level discounts were allocated; the included share when prices include tax.',
    }),
  },
  objectOptions('TaxLine', 'A tax on a line, a shipping charge or the order, in one jurisdiction.'),
);
/** A tax in one jurisdiction. */
export type TaxLine = Static<typeof TaxLine>;

/** A discount: which promotion or coupon gave it and how much, so finance can report promotion cost. */
export const Discount = Type.Object(
  {
    promotionId: Type.Optional(CanonicalId('promotion', 'The promotion that gave the discount, when Weft knows it.')),
    couponCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The coupon code the customer entered, when a code unlocked the discount.' })),
    description: Type.Optional(Type.String({ maxLength: 200, description: 'Text shown to the customer.' })),
    amount: Type.With(NonNegativeMoney, { description: 'Amount taken off, positive.' }),
  },
  objectOptions('Discount', 'A discount on a line or the whole order.'),
);
/** A discount on a line or the whole order. */
export type Discount = Static<typeof Discount>;

/** Where an order line stands. */
export const OrderLineStatus = Type.Enum(
  ['open', 'reserved', 'backordered', 'released', 'shipped', 'delivered', 'ready_for_pickup', 'collected', 'cancelled', 'returned'],
  { description: 'Where the line stands.' },
);
/** Where an order line stands. */
export type OrderLineStatus = Static<typeof OrderLineStatus>;

/** One line of an order: a SKU, a quantity and what it costs. */
export const OrderLine = Type.Object(
  {
    id: CanonicalId('orderLine'),
    sku: Sku,
    itemId: Type.Optional(CanonicalId('item', 'Weft id of the item (variant), when the catalogue knows the SKU.')),
    name: Type.Optional(Type.String({ maxLength: 300, description: 'Product name as the customer saw it.' })),
    quantity: Type.Integer({ minimum: 1, description: 'Units ordered (integer).' }),
    cancelledQuantity: Type.Optional(Type.Integer({ minimum: 0, description: 'Units cancelled since capture; totals still describe the order as placed.' })),
    unitPrice: Type.With(NonNegativeMoney, { description: 'Price of one unit before discounts, in the order\'s tax basis.' }),
    discounts: Type.Array(Discount, { description: 'Discounts on this line; empty when none.' }),
    taxes: Type.Array(TaxLine, { description: 'Taxes on this line, one per jurisdiction; the included share when prices include tax.' }),
    total: Type.With(NonNegativeMoney, { description: 'quantity × unitPrice − discounts; never includes added tax.' }),
    fulfilmentGroupId: CanonicalId('fulfillmentGroup', 'The fulfilment group the line ships or is collected with.'),
    status: OrderLineStatus,
    attributes: Type.Optional(Attributes),
  },
  objectOptions('OrderLine', 'One line of an order.'),
);
/** One line of an order. */
export type OrderLine = Static<typeof OrderLine>;

/** A charge for delivery, per fulfilment group when the channel splits it. */
export const ShippingCharge = Type.Object(
  {
    fulfilmentGroupId: Type.Optional(CanonicalId('fulfillmentGroup', 'The fulfilment group the charge is for; absent when the channel charges the order as a whole.')),
    code: Type.String({ minLength: 1, maxLength: 50, description: 'Shipping method or fee code.', examples: ['standard', 'express'] }),
    amount: Type.With(NonNegativeMoney, { description: 'Charged amount, after shipping discounts, in the order\'s tax basis.' }),
    taxes: Type.Array(TaxLine, { description: 'Taxes on the charge, one per jurisdiction.' }),
  },
  objectOptions('ShippingCharge', 'A charge for delivery.'),
);
/** A charge for delivery. */
export type ShippingCharge = Static<typeof ShippingCharge>;

/** The order's totals, as the channel showed them to the customer; rules.ts checks they add up. */
export const OrderTotals = Type.Object(
  {
    subtotal: Type.With(NonNegativeMoney, { description: 'Σ line totals.' }),
    discountTotal: Type.With(NonNegativeMoney, { description: 'Σ order-level discounts.' }),
    shippingTotal: Type.With(NonNegativeMoney, { description: 'Σ shipping charges.' }),
    taxTotal: Type.With(NonNegativeMoney, { description: 'Σ line, shipping and order-level taxes.' }),
    grandTotal: Type.With(NonNegativeMoney, { description: 'subtotal − discountTotal + shippingTotal (+ taxTotal when prices exclude tax).' }),
  },
  objectOptions('OrderTotals', 'The totals of an order.'),
);
/** The totals of an order. */
export type OrderTotals = Static<typeof OrderTotals>;

/** Where an order stands in order-to-cash. */
export const OrderStatus = Type.Enum(
  ['captured', 'validated', 'on_hold', 'reserved', 'released', 'partially_shipped', 'shipped', 'ready_for_pickup', 'collected', 'invoiced', 'completed', 'cancelled'],
  { description: 'Where the order stands in order-to-cash.' },
);
/** Where an order stands in order-to-cash. */
export type OrderStatus = Static<typeof OrderStatus>;

/** An order from any channel: what was bought, how it is paid, and how each part reaches the customer. */
export const Order = Type.Object(
  {
    id: CanonicalId('order'),
    orderNumber: Type.String({ minLength: 1, maxLength: 64, description: 'The channel\'s human-readable number, what the customer quotes.', examples: ['DE-100234'] }),
    channel: Type.With(SalesChannel, { description: 'The sales channel the order was placed in.' }),
    originSystem: Type.With(SystemName, { description: 'The system the order was captured in, by its configured name (lowercase, digits, dashes).' }),
    salesLocationId: Type.Optional(CanonicalId('location', 'The store that made the sale (POS, clienteling); required for pos.')),
    customerId: Type.Optional(CanonicalId('customer', 'The customer who placed the order; absent for guest checkouts and anonymous POS sales.')),
    guestEmail: Type.Optional(Type.With(Email, { description: 'Email address of a guest checkout without a customer record.' })),
    locale: Type.Optional(Type.With(LanguageTag, { description: 'The language the order was placed in (BCP 47); messages about the order use it.' })),
    currency: Type.With(CurrencyCode, { description: 'ISO 4217 currency code of the order; every amount in the order is in it.' }),
    pricesIncludeTax: Type.Boolean({ description: 'Whether unit prices, discounts, shipping and totals include tax (EU) or tax comes on top (US).' }),
    lines: Type.Array(OrderLine, { minItems: 1, maxItems: 1000, description: 'The lines of the order, in the channel\'s order; at least one.' }),
    discounts: Type.Array(Discount, { description: 'Order-level discounts; line discounts sit on their lines.' }),
    shippingCharges: Type.Array(ShippingCharge, { description: 'Charges for delivery, per fulfilment group when the channel splits them.' }),
    taxes: Type.Array(TaxLine, { description: 'Taxes not attributable to a line or a shipping charge.' }),
    payments: Type.Array(Payment, { description: 'The payments on the order, one per tender (card, gift card, ...).' }),
    fulfilmentGroups: Type.Array(FulfilmentGroup, { minItems: 1, description: 'How the lines reach the customer: each line belongs to exactly one group.' }),
    billingAddress: Type.Optional(Type.With(Address, { description: 'The address the order is billed to.' })),
    totals: OrderTotals,
    status: OrderStatus,
    placedAt: Instant('When the customer placed the order in the channel'),
    externalRefs: ExternalRefs,
    attributes: Type.Optional(Attributes),
  },
  objectOptions('Order', 'An order from any channel.'),
);
/** An order from any channel. */
export type Order = Static<typeof Order>;
