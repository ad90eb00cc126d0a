// The HTTP ceiling of this machine for availability checks: Fastify answering GET /v1/availability
// with a fixed answer shaped like the hub's to a one-SKU check across four locations, and doing
// nothing else (no credentials, no lookup). The hub's checks/s read as a share of it.
//   node bench/support/availability-bare.ts   prints "listening <port>" once it listens.
import Fastify from 'fastify';

const at = new Date().toISOString();
const locations = ['loc_01KMS2S0Q6ZQ8T3V5N0F8B1A2C', 'loc_01KMS2S0Q6ZQ8T3V5N0F8B1A2D', 'loc_01KMS2S0Q6ZQ8T3V5N0F8B1A2E', 'loc_01KMS2S0Q6ZQ8T3V5N0F8B1A2F'];
const answer = {
  channel: 'web',
  items: [{ sku: 'AV-000001', available: 3992, locations: locations.map((locationId) => ({ sku: 'AV-000001', locationId, onHand: 1000, reserved: 0, inTransit: 0, safetyStock: 2, available: 998, updatedAt: at })) }],
};
const app = Fastify();
app.get('/v1/availability', async () => answer);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
