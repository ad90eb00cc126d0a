// The parts of a Shopify order that are not lines: tax lines, payments from the financial status and
// gateways, and how Shopify's free-text values map onto Weft's enumerations. Split from the
// orders/create mapping so each file stays readable.

import type { Order, TaxLine } from '../../../domain/order/order.schema.ts';
import type { IdResolver } from '../../sdk/index.ts';
import { arrayAt, basisPoints, isObject, money, optString, requiredString, type Json } from './payload.ts';
import { toMinorUnits } from '../../sdk/index.ts';

type Payment = Order['payments'][number];
type Channel = Order['channel'];

/**
 * Shopify tax lines (`{title, rate, price}`) as Weft tax lines. Shopify names no jurisdiction code,
 * so it is the destination country, with the province for the US and Canada where sales taxes are
 * levied per state or province (US-KY); `name` keeps Shopify's title ("KY State Tax").
 */
export function taxLinesOf(value: unknown, pointer: string, currency: string, jurisdiction: string): TaxLine[] {
  return arrayAt(value, pointer).map((raw, i) => {
    const at = `${pointer}/${i}`;
    const tax = isObject(raw) ? raw : {};
    const line: TaxLine = {
      jurisdiction,
      rate: basisPoints(tax.rate, `${at}/rate`),
      amount: money(toMinorUnits(tax.price, currency, `${at}/price`), currency),
    };
    const name = optString(tax.title);
    if (name !== undefined) line.name = name.slice(0, 100);
    return line;
  });
}

/** The tax jurisdiction of an order: country of the shipping (else billing) address, with the province in the US and Canada. */
export function jurisdictionOf(order: Json, fallbackCountry: string): string {
  const address = isObject(order.shipping_address) ? order.shipping_address : isObject(order.billing_address) ? order.billing_address : {};
  const country = optString(address.country_code)?.toUpperCase() ?? fallbackCountry;
  const province = optString(address.province_code)?.toUpperCase();
  if ((country === 'US' || country === 'CA') && province !== undefined && /^[A-Z0-9]{1,3}$/.test(province)) return `${country}-${province}`;
  return /^[A-Z]{2}$/.test(country) ? country : fallbackCountry;
}

/** Weft's channel for Shopify's `source_name`. */
export function channelOf(sourceName: unknown): Channel {
  switch (optString(sourceName)) {
    case 'pos':
      return 'pos';
    case 'shopify_draft_order':
      return 'call_centre';
    case 'iphone':
    case 'android':
    case 'mobile_app':
      return 'app';
    default:
      return 'web';
  }
}

const CARD_GATEWAYS = /^(shopify_payments|visa|mastercard|master|american_express|amex|credit_card|stripe|adyen|braintree|authorize_net|checkout_com|bogus)$/i;

/** A gateway name as a provider code (`^[a-z][a-z0-9_-]{0,49}$`): "Cash on Delivery (COD)" → cash_on_delivery_cod. */
export function providerCode(gateway: string): string {
  const code = gateway.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^[^a-z]+|_+$/g, '').slice(0, 50);
  return code === '' ? 'other' : code;
}

/** Weft's payment method for a Shopify gateway name. */
export function methodOf(gateway: string): Payment['method'] {
  const name = gateway.toLowerCase().replace(/[\s-]+/g, '_');
  if (CARD_GATEWAYS.test(name)) return 'card';
  if (name.includes('paypal')) return 'paypal';
  if (name.includes('klarna')) return 'klarna';
  if (name === 'gift_card') return 'gift_card';
  if (name.includes('cash_on_delivery') || name.includes('(cod)')) return 'cash_on_delivery';
  if (name === 'cash') return 'cash';
  if (name.includes('bank')) return 'bank_transfer';
  return 'other';
}

/**
 * The order's payment as far as the webhook says. Shopify's order payload carries the gateway names
 * and `financial_status`, not the transactions, so there is one payment for the order total: its
 * amounts follow the financial status (paid → captured, voided → voided, ...); with several gateways
 * the provider is their codes joined by `-` (the webhook does not split the amount). Its vendor id is the
 * order id, which refunds/create uses to find the same payment again.
 */
export async function paymentsOf(order: Json, orderVendorId: string, currency: string, total: number, createdAt: string, ids: IdResolver): Promise<Payment[]> {
  const gateways = arrayAt(order.payment_gateway_names, '/payment_gateway_names').map((name) => optString(name)).filter((name): name is string => name !== undefined);
  if (total === 0 || gateways.length === 0) return [];
  const outstanding = order.total_outstanding === undefined || order.total_outstanding === null ? 0 : toMinorUnits(order.total_outstanding, currency, '/total_outstanding');
  const current = order.current_total_price === undefined || order.current_total_price === null ? total : toMinorUnits(order.current_total_price, currency, '/current_total_price');
  const status = optString(order.financial_status) ?? 'pending';
  let authorized = total;
  let captured = 0;
  let refunded = 0;
  let paymentStatus: Payment['status'] = 'authorized';
  switch (status) {
    case 'pending':
      authorized = 0;
      paymentStatus = 'pending';
      break;
    case 'partially_paid':
      captured = Math.max(0, Math.min(total, total - outstanding));
      break;
    case 'paid':
      captured = total;
      paymentStatus = 'captured';
      break;
    case 'partially_refunded':
      captured = total;
      refunded = Math.max(0, Math.min(total, total - current));
      paymentStatus = 'captured';
      break;
    case 'refunded':
      captured = total;
      refunded = total;
      paymentStatus = 'refunded';
      break;
    case 'voided':
    case 'expired':
      paymentStatus = 'voided';
      break;
    default:
      break;
  }
  const first = gateways[0] as string;
  return [
    {
      id: await ids.ref('payment', orderVendorId),
      method: gateways.length === 1 ? methodOf(first) : 'other',
      provider: gateways.map(providerCode).join('-').slice(0, 50),
      amountAuthorized: money(authorized, currency),
      amountCaptured: money(captured, currency),
      amountRefunded: money(refunded, currency),
      status: paymentStatus,
      createdAt,
    },
  ];
}

/** Shopify's three-letter currency of the order, checked. */
export function currencyOf(order: Json): string {
  const currency = requiredString(order.currency, '/currency');
  if (!/^[A-Z]{3}$/.test(currency)) return requiredString(undefined, '/currency');
  return currency;
}
