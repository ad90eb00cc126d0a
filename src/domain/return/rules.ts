import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import { isBefore } from '../shared/time.ts';
import type { Return } from './return.schema.ts';

// A return's status implies the steps before it happened; inspected returns say what happens to each item.

const reached: Readonly<Record<Return['status'], { authorized: boolean; received: boolean; inspected: boolean }>> = {
  requested: { authorized: false, received: false, inspected: false },
  authorized: { authorized: true, received: false, inspected: false },
  received: { authorized: true, received: true, inspected: false },
  inspected: { authorized: true, received: true, inspected: true },
  closed: { authorized: true, received: true, inspected: true },
  rejected: { authorized: false, received: false, inspected: false },
};

/** Checks a return: timestamps its status implies and their order, dispositions after inspection, each line once. */
export function returnProblems(ret: Return): Problems {
  let out: Problem[] | undefined;
  const steps = reached[ret.status];
  if (steps.authorized && ret.authorizedAt === undefined) out = addProblem(out, '/authorizedAt', `a ${ret.status} return was authorised: authorizedAt is required`);
  if (steps.received && ret.receivedAt === undefined) out = addProblem(out, '/receivedAt', `a ${ret.status} return was received: receivedAt is required`);
  if ((ret.status === 'closed' || ret.status === 'rejected') && ret.closedAt === undefined) out = addProblem(out, '/closedAt', `a ${ret.status} return has a closedAt`);
  if (ret.authorizedAt !== undefined && isBefore(ret.authorizedAt, ret.requestedAt)) out = addProblem(out, '/authorizedAt', 'authorizedAt is before requestedAt');
  if (ret.receivedAt !== undefined && ret.authorizedAt !== undefined && isBefore(ret.receivedAt, ret.authorizedAt)) {
    out = addProblem(out, '/receivedAt', 'receivedAt is before authorizedAt');
  }
  for (let i = 0; i < ret.lines.length; i++) {
    const line = ret.lines[i]!;
    if (steps.inspected && line.disposition === undefined) out = addProblem(out, `/lines/${i}/disposition`, 'an inspected line has a disposition');
    if (steps.inspected && line.condition === undefined) out = addProblem(out, `/lines/${i}/condition`, 'an inspected line has a condition');
    for (let j = 0; j < i; j++) {
      if (ret.lines[j]!.orderLineId === line.orderLineId && ret.lines[j]!.reason === line.reason) {
        out = addProblem(out, `/lines/${i}`, `same order line and reason as /lines/${j}; send one entry with the total`);
      }
    }
  }
  return out ?? noProblems;
}
