import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import type { Location } from './location.schema.ts';

// Physical locations need an address to ship from or be visited; pickup needs hours customers can read.

/** Checks a location's rules: addresses for physical kinds, hours for pickup, services only where they make sense. */
export function locationProblems(location: Location): Problems {
  let out: Problem[] | undefined;
  const physical = location.kind === 'store' || location.kind === 'distribution_centre';
  if (physical && location.address === undefined) out = addProblem(out, '/address', `a ${location.kind} needs an address`);

  const capabilities = location.capabilities;
  if (location.kind !== 'store') {
    for (let i = 0; i < capabilities.length; i++) {
      const capability = capabilities[i]!;
      if (capability !== 'returns_accepted') out = addProblem(out, `/capabilities/${i}`, `${capability} is only offered by stores`);
    }
  }
  if (capabilities.includes('pickup_in_store') && location.pickupHours.length === 0) {
    out = addProblem(out, '/pickupHours', 'a location offering pickup_in_store needs pickup hours');
  }
  for (let i = 0; i < location.pickupHours.length; i++) {
    const hours = location.pickupHours[i]!;
    // HH:MM strings of equal length compare like the times they name.
    if (hours.opens >= hours.closes) out = addProblem(out, `/pickupHours/${i}/closes`, `closes (${hours.closes}) must be after opens (${hours.opens})`);
  }
  return out ?? noProblems;
}
