import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import { isBefore } from '../shared/time.ts';
import type { Shipment } from './shipment.schema.ts';

// A shipment's status and timestamps must tell the same story, or the customer gets a "delivered"
// mail for a parcel that never left.

/** Checks a shipment: timestamps its status implies, delivery after dispatch, each line once. */
export function shipmentProblems(shipment: Shipment): Problems {
  let out: Problem[] | undefined;
  const status = shipment.status;
  if (status !== 'pending' && shipment.shippedAt === undefined) out = addProblem(out, '/shippedAt', `a ${status} shipment has a shippedAt`);
  if (status === 'delivered' && shipment.deliveredAt === undefined) out = addProblem(out, '/deliveredAt', 'a delivered shipment has a deliveredAt');
  if (status !== 'delivered' && shipment.deliveredAt !== undefined) out = addProblem(out, '/deliveredAt', `only delivered shipments have a deliveredAt (status is ${status})`);
  if (shipment.shippedAt !== undefined && shipment.deliveredAt !== undefined && isBefore(shipment.deliveredAt, shipment.shippedAt)) {
    out = addProblem(out, '/deliveredAt', 'deliveredAt is before shippedAt');
  }
  const lines = shipment.lines;
  for (let i = 0; i < lines.length; i++) {
    for (let j = 0; j < i; j++) {
      if (lines[j]!.orderLineId === lines[i]!.orderLineId) out = addProblem(out, `/lines/${i}/orderLineId`, `order line is also in /lines/${j}; send one entry with the total`);
    }
  }
  return out ?? noProblems;
}
