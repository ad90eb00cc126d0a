import type { Money } from '../shared/primitives.ts';
import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import { isBefore } from '../shared/time.ts';
import type { FulfilmentGroup } from './fulfilment-group.schema.ts';
import type { Order, OrderLine, TaxLine } from './order.schema.ts';

// What the order schema cannot say. The totals convention is documented in order.schema.ts:
//   line total  = quantity × unit price − line discounts
//   grand total = subtotal − order discounts + shipping + (pricesIncludeTax ? 0 : tax)
// Pointers are built only when a problem is found: this runs for every captured order.

/** Checks an order's business rules: currencies, totals, fulfilment groups, payments, customer. */
export function orderProblems(order: Order): Problems {
  let out: Problem[] | undefined;
  out = currencyProblems(order, out);
  out = totalsProblems(order, out);
  out = fulfilmentProblems(order, out);
  out = paymentProblems(order, out);
  if (order.channel === 'pos') {
    if (order.salesLocationId === undefined) out = addProblem(out, '/salesLocationId', 'a pos order must name the store that made the sale');
  } else if (order.customerId === undefined && order.guestEmail === undefined) {
    out = addProblem(out, '/customerId', `a ${order.channel} order needs a customerId or a guestEmail`);
  }
  return out ?? noProblems;
}

// One currency per order: a mixed order cannot be totalled, invoiced or refunded.
function currencyProblems(order: Order, out: Problem[] | undefined): Problem[] | undefined {
  const c = order.currency;
  for (let i = 0; i < order.lines.length; i++) {
    const line = order.lines[i]!;
    out = money(out, line.unitPrice, c, '/lines/', i, '/unitPrice');
    out = money(out, line.total, c, '/lines/', i, '/total');
    for (let j = 0; j < line.discounts.length; j++) out = money(out, line.discounts[j]!.amount, c, '/lines/', i, '/discounts/', j, '/amount');
    for (let j = 0; j < line.taxes.length; j++) out = money(out, line.taxes[j]!.amount, c, '/lines/', i, '/taxes/', j, '/amount');
  }
  for (let i = 0; i < order.discounts.length; i++) out = money(out, order.discounts[i]!.amount, c, '/discounts/', i, '/amount');
  for (let i = 0; i < order.shippingCharges.length; i++) {
    const charge = order.shippingCharges[i]!;
    out = money(out, charge.amount, c, '/shippingCharges/', i, '/amount');
    for (let j = 0; j < charge.taxes.length; j++) out = money(out, charge.taxes[j]!.amount, c, '/shippingCharges/', i, '/taxes/', j, '/amount');
  }
  for (let i = 0; i < order.taxes.length; i++) out = money(out, order.taxes[i]!.amount, c, '/taxes/', i, '/amount');
  for (let i = 0; i < order.payments.length; i++) {
    const payment = order.payments[i]!;
    out = money(out, payment.amountAuthorized, c, '/payments/', i, '/amountAuthorized');
    out = money(out, payment.amountCaptured, c, '/payments/', i, '/amountCaptured');
    out = money(out, payment.amountRefunded, c, '/payments/', i, '/amountRefunded');
  }
  const t = order.totals;
  out = money(out, t.subtotal, c, '/totals/subtotal', -1, '');
  out = money(out, t.discountTotal, c, '/totals/discountTotal', -1, '');
  out = money(out, t.shippingTotal, c, '/totals/shippingTotal', -1, '');
  out = money(out, t.taxTotal, c, '/totals/taxTotal', -1, '');
  out = money(out, t.grandTotal, c, '/totals/grandTotal', -1, '');
  return out;
}

// The pointer `a i b j c` (indexes < 0 left out) is joined only on failure, so a valid order builds no strings.
function money(
  out: Problem[] | undefined,
  value: Money,
  currency: string,
  a: string,
  i: number,
  b: string,
  j = -1,
  c = '',
): Problem[] | undefined {
  if (value.currency === currency) return out;
  const at = `${a}${i < 0 ? '' : i}${b}${j < 0 ? '' : j}${c}`;
  return addProblem(out, `${at}/currency`, `is ${value.currency}, the order is in ${currency}`);
}

function taxSum(taxes: readonly TaxLine[]): number {
  let sum = 0;
  for (const tax of taxes) sum += tax.amount.amount;
  return sum;
}

function totalsProblems(order: Order, out: Problem[] | undefined): Problem[] | undefined {
  let subtotal = 0;
  let tax = 0;
  for (let i = 0; i < order.lines.length; i++) {
    const line = order.lines[i]!;
    let lineDiscounts = 0;
    for (const discount of line.discounts) lineDiscounts += discount.amount.amount;
    const expected = line.quantity * line.unitPrice.amount - lineDiscounts;
    if (line.total.amount !== expected) {
      out = addProblem(out, `/lines/${i}/total/amount`, `line total must be quantity × unitPrice − discounts = ${expected}, not ${line.total.amount}`);
    }
    if (line.cancelledQuantity !== undefined && line.cancelledQuantity > line.quantity) {
      out = addProblem(out, `/lines/${i}/cancelledQuantity`, `cannot cancel more than the ${line.quantity} units ordered`);
    }
    subtotal += line.total.amount;
    tax += taxSum(line.taxes);
  }
  let discounts = 0;
  for (const discount of order.discounts) discounts += discount.amount.amount;
  let shipping = 0;
  for (const charge of order.shippingCharges) {
    shipping += charge.amount.amount;
    tax += taxSum(charge.taxes);
  }
  tax += taxSum(order.taxes);

  const t = order.totals;
  if (t.subtotal.amount !== subtotal) out = addProblem(out, '/totals/subtotal/amount', `subtotal must be the sum of line totals = ${subtotal}, not ${t.subtotal.amount}`);
  if (t.discountTotal.amount !== discounts) {
    out = addProblem(out, '/totals/discountTotal/amount', `discountTotal must be the sum of order-level discounts = ${discounts}, not ${t.discountTotal.amount}`);
  }
  if (t.shippingTotal.amount !== shipping) {
    out = addProblem(out, '/totals/shippingTotal/amount', `shippingTotal must be the sum of shipping charges = ${shipping}, not ${t.shippingTotal.amount}`);
  }
  if (t.taxTotal.amount !== tax) out = addProblem(out, '/totals/taxTotal/amount', `taxTotal must be the sum of line, shipping and order taxes = ${tax}, not ${t.taxTotal.amount}`);
  // Checked against the stated totals, so one wrong component is reported once, not twice.
  const grand = t.subtotal.amount - t.discountTotal.amount + t.shippingTotal.amount + (order.pricesIncludeTax ? 0 : t.taxTotal.amount);
  if (t.grandTotal.amount !== grand) {
    const rule = order.pricesIncludeTax ? 'subtotal − discountTotal + shippingTotal' : 'subtotal − discountTotal + shippingTotal + taxTotal';
    out = addProblem(out, '/totals/grandTotal/amount', `grandTotal must be ${rule} = ${grand}, not ${t.grandTotal.amount}`);
  }
  return out;
}

function fulfilmentProblems(order: Order, out: Problem[] | undefined): Problem[] | undefined {
  const groups = order.fulfilmentGroups;
  const lines = order.lines;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    for (let j = 0; j < i; j++) if (lines[j]!.id === line.id) out = addProblem(out, `/lines/${i}/id`, `line id is also used by /lines/${j}`);
    const group = findGroup(groups, line.fulfilmentGroupId);
    if (group === undefined) out = addProblem(out, `/lines/${i}/fulfilmentGroupId`, `no fulfilment group ${line.fulfilmentGroupId} in this order`);
    else if (!group.lineIds.includes(line.id)) out = addProblem(out, `/lines/${i}/fulfilmentGroupId`, `fulfilment group ${group.id} does not list this line`);
  }
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    for (let j = 0; j < g; j++) if (groups[j]!.id === group.id) out = addProblem(out, `/fulfilmentGroups/${g}/id`, `group id is also used by /fulfilmentGroups/${j}`);
    for (let l = 0; l < group.lineIds.length; l++) {
      const lineId = group.lineIds[l]!;
      const line = findLine(order, lineId);
      if (line === undefined) out = addProblem(out, `/fulfilmentGroups/${g}/lineIds/${l}`, `no line ${lineId} in this order`);
      else if (line.fulfilmentGroupId !== group.id) out = addProblem(out, `/fulfilmentGroups/${g}/lineIds/${l}`, `line ${lineId} belongs to group ${line.fulfilmentGroupId}`);
    }
    out = groupKindProblems(group, g, out);
  }
  for (let i = 0; i < order.shippingCharges.length; i++) {
    const groupId = order.shippingCharges[i]!.fulfilmentGroupId;
    if (groupId !== undefined && findGroup(groups, groupId) === undefined) {
      out = addProblem(out, `/shippingCharges/${i}/fulfilmentGroupId`, `no fulfilment group ${groupId} in this order`);
    }
  }
  return out;
}

function findGroup(groups: readonly FulfilmentGroup[], id: string): FulfilmentGroup | undefined {
  for (const group of groups) if (group.id === id) return group;
  return undefined;
}

function findLine(order: Order, id: string): OrderLine | undefined {
  for (const line of order.lines) if (line.id === id) return line;
  return undefined;
}

// What each fulfilment kind needs: an address to ship to, a store to collect from, nothing physical for digital.
function groupKindProblems(group: FulfilmentGroup, index: number, out: Problem[] | undefined): Problem[] | undefined {
  const kind = group.kind;
  const base = `/fulfilmentGroups/${index}`;
  const ships = kind === 'ship' || kind === 'ship_from_store';
  const atStore = kind === 'ship_from_store' || kind === 'pickup_in_store' || kind === 'in_store';
  if (ships && group.shippingAddress === undefined) out = addProblem(out, `${base}/shippingAddress`, `a ${kind} group needs a shipping address`);
  if (!ships && group.shippingAddress !== undefined) out = addProblem(out, `${base}/shippingAddress`, `a ${kind} group has no shipping address`);
  if (atStore && group.locationId === undefined) out = addProblem(out, `${base}/locationId`, `a ${kind} group needs the store's location id`);
  if (kind === 'digital' && group.locationId !== undefined) out = addProblem(out, `${base}/locationId`, 'a digital group has no location');
  if (kind !== 'pickup_in_store') {
    if (group.pickupPerson !== undefined) out = addProblem(out, `${base}/pickupPerson`, `only pickup_in_store groups have a pickup person (kind is ${kind})`);
    if (group.pickupWindow !== undefined) out = addProblem(out, `${base}/pickupWindow`, `only pickup_in_store groups have a pickup window (kind is ${kind})`);
  } else if (group.pickupWindow !== undefined && !isBefore(group.pickupWindow.from, group.pickupWindow.to)) {
    out = addProblem(out, `${base}/pickupWindow/to`, 'the pickup window must end after it starts');
  }
  if (kind !== 'digital' && group.deliveryEmail !== undefined) out = addProblem(out, `${base}/deliveryEmail`, 'only digital groups have a delivery email');
  if (!ships && group.shippingMethod !== undefined) out = addProblem(out, `${base}/shippingMethod`, `a ${kind} group has no shipping method`);
  return out;
}

function paymentProblems(order: Order, out: Problem[] | undefined): Problem[] | undefined {
  const payments = order.payments;
  for (let i = 0; i < payments.length; i++) {
    const p = payments[i]!;
    for (let j = 0; j < i; j++) if (payments[j]!.id === p.id) out = addProblem(out, `/payments/${i}/id`, `payment id is also used by /payments/${j}`);
    if (p.amountCaptured.amount > p.amountAuthorized.amount) {
      out = addProblem(out, `/payments/${i}/amountCaptured/amount`, 'cannot capture more than was authorised');
    }
    if (p.amountRefunded.amount > p.amountCaptured.amount) {
      out = addProblem(out, `/payments/${i}/amountRefunded/amount`, 'cannot refund more than was captured');
    }
    if ((p.status === 'captured' || p.status === 'refunded') && p.amountCaptured.amount === 0) {
      out = addProblem(out, `/payments/${i}/amountCaptured/amount`, `a ${p.status} payment has a captured amount`);
    }
  }
  return out;
}
