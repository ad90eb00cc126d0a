import type { FastifyRequest } from 'fastify';
import type { Principal } from '../access/api-keys.ts';
import { AccessError } from '../errors/index.ts';

/** The principal of an authenticated request; throws if the route skipped authentication. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AccessError('unauthenticated', 'This request carries no verified credentials.');
  return request.principal;
}
