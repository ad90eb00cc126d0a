import type { Order } from '../../src/domain/order/order.schema.ts';
import type { IdGenerator } from '../../src/ports/clock.ts';

// A paid (or unpaid) web order for tests and benchmarks of order-to-cash: USD, one line of a SKU the
// simulators' ERP knows, one ship group, tax on top and none due. Valid against the catalogue.

/** The SKU of the test orders; seed it in the ERP simulator. */
export const TEST_ORDER_SKU = 'HP-WOOL-BNE-OS-GRY';

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** Order number `<prefix>-<n>`, `quantity` units at 29.00 plus 5.00 shipping; `payment` pending leaves it unsecured. */
export function testWebOrder(ids: IdGenerator, n: number, options: { prefix?: string; quantity?: number; payment?: 'authorized' | 'pending' } = {}): Order {
  const quantity = options.quantity ?? 1;
  const lineTotal = 2900 * quantity;
  const grandTotal = lineTotal + 500;
  const lineId = ids.next('orderLine');
  const groupId = ids.next('fulfillmentGroup');
  const authorized = (options.payment ?? 'authorized') === 'authorized';
  return {
    id: ids.next('order'),
    orderNumber: `${options.prefix ?? 'TEST'}-${n}`,
    channel: 'web',
    originSystem: 'webshop',
    guestEmail: `guest${n}@example.org`,
    currency: 'USD',
    pricesIncludeTax: false,
    lines: [{ id: lineId, sku: TEST_ORDER_SKU, quantity, unitPrice: usd(2900), discounts: [], taxes: [], total: usd(lineTotal), fulfilmentGroupId: groupId, status: 'open' }],
    discounts: [],
    shippingCharges: [{ fulfilmentGroupId: groupId, code: 'standard', amount: usd(500), taxes: [] }],
    taxes: [],
    payments: [
      {
        id: ids.next('payment'),
        method: 'card',
        provider: 'adyen',
        amountAuthorized: usd(authorized ? grandTotal : 0),
        amountCaptured: usd(0),
        amountRefunded: usd(0),
        status: authorized ? 'authorized' : 'pending',
        createdAt: '2026-11-23T10:00:00.000Z',
      },
    ],
    fulfilmentGroups: [{ id: groupId, kind: 'ship', shippingAddress: { name: 'Liam Chen', line1: '5200 University Way NE', city: 'Seattle', region: 'WA', postalCode: '98105', country: 'US' }, lineIds: [lineId], status: 'pending' }],
    totals: { subtotal: usd(lineTotal), discountTotal: usd(0), shippingTotal: usd(500), taxTotal: usd(0), grandTotal: usd(grandTotal) },
    status: 'captured',
    placedAt: '2026-11-23T10:00:00.000Z',
    externalRefs: [],
  };
}
