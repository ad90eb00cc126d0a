import type { Money } from '../shared/primitives.ts';
import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import { isBefore } from '../shared/time.ts';
import type { Refund } from './refund.schema.ts';

// The parts of a refund must add up to what the provider pays out, or finance books a different
// amount than the customer receives. Convention (as for orders):
//   amount = Σ line amounts + shipping + adjustment + (pricesIncludeTax ? 0 : tax)

/** Checks a refund: one currency, parts that add up to the amount, status and timestamps that agree. */
export function refundProblems(refund: Refund): Problems {
  let out: Problem[] | undefined;
  const c = refund.currency;
  out = currency(out, refund.amount, c, '/amount/currency');
  out = currency(out, refund.shipping, c, '/shipping/currency');
  out = currency(out, refund.tax, c, '/tax/currency');
  out = currency(out, refund.adjustment, c, '/adjustment/currency');
  let lines = 0;
  for (let i = 0; i < refund.lines.length; i++) {
    const line = refund.lines[i]!;
    if (line.amount.currency !== c) out = addProblem(out, `/lines/${i}/amount/currency`, `is ${line.amount.currency}, the refund is in ${c}`);
    lines += line.amount.amount;
    for (let j = 0; j < i; j++) {
      if (refund.lines[j]!.orderLineId === line.orderLineId) out = addProblem(out, `/lines/${i}/orderLineId`, `order line is also in /lines/${j}`);
    }
  }
  const expected = lines + refund.shipping.amount + refund.adjustment.amount + (refund.pricesIncludeTax ? 0 : refund.tax.amount);
  if (refund.amount.amount !== expected) {
    const rule = refund.pricesIncludeTax ? 'Σ lines + shipping + adjustment' : 'Σ lines + shipping + adjustment + tax';
    out = addProblem(out, '/amount/amount', `amount must be ${rule} = ${expected}, not ${refund.amount.amount}`);
  }
  if (refund.amount.amount === 0) out = addProblem(out, '/amount/amount', 'a refund pays back something');

  if (refund.status === 'succeeded' && refund.issuedAt === undefined) out = addProblem(out, '/issuedAt', 'a succeeded refund has an issuedAt');
  if (refund.status !== 'succeeded' && refund.issuedAt !== undefined) out = addProblem(out, '/issuedAt', `only succeeded refunds have an issuedAt (status is ${refund.status})`);
  if (refund.status === 'failed' && refund.failureReason === undefined) out = addProblem(out, '/failureReason', 'a failed refund says why');
  if (refund.issuedAt !== undefined && isBefore(refund.issuedAt, refund.requestedAt)) out = addProblem(out, '/issuedAt', 'issuedAt is before requestedAt');
  if (refund.reason === 'return' && refund.returnId === undefined) out = addProblem(out, '/returnId', 'a refund for a return names the return');
  return out ?? noProblems;
}

function currency(out: Problem[] | undefined, value: Money, expected: string, pointer: string): Problem[] | undefined {
  return value.currency === expected ? out : addProblem(out, pointer, `is ${value.currency}, the refund is in ${expected}`);
}
