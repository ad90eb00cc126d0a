import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import { isBefore } from '../shared/time.ts';
import type { ServiceCase } from './service-case.schema.ts';

// Service level reporting measures opened → solved; the timestamps must agree with the status.

/** Checks a service case: solvedAt exactly when solved or closed, timestamps in order. */
export function serviceCaseProblems(serviceCase: ServiceCase): Problems {
  let out: Problem[] | undefined;
  const done = serviceCase.status === 'solved' || serviceCase.status === 'closed';
  if (done && serviceCase.solvedAt === undefined) out = addProblem(out, '/solvedAt', `a ${serviceCase.status} case has a solvedAt`);
  if (!done && serviceCase.solvedAt !== undefined) out = addProblem(out, '/solvedAt', `only solved or closed cases have a solvedAt (status is ${serviceCase.status})`);
  if (isBefore(serviceCase.updatedAt, serviceCase.openedAt)) out = addProblem(out, '/updatedAt', 'updatedAt is before openedAt');
  if (serviceCase.solvedAt !== undefined && isBefore(serviceCase.solvedAt, serviceCase.openedAt)) out = addProblem(out, '/solvedAt', 'solvedAt is before openedAt');
  return out ?? noProblems;
}
