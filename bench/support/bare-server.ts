// The HTTP ceiling of this machine: Fastify answering the same POST as Weft with 201 after parsing
// the JSON body, and doing nothing else. Weft's figures read as a share of it.
import Fastify from 'fastify';

const app = Fastify({ bodyLimit: 4 * 1024 * 1024 });
app.post('/v1/events', async (request, reply) => reply.code(201).send({ events: Array.isArray(request.body) ? request.body.length : 1 }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
