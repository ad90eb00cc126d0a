// Several sinks in one child process, so a benchmark with many targets measures one sink process
// (one event loop, one CPU figure) instead of paying for a Node process per target.
//   node bench/support/multi-sink.ts --count N
// prints {"urls":["http://127.0.0.1:PORT", ...]} on stdout once all listen, and exits 0 on SIGTERM or SIGINT.
import { parseArgs } from 'node:util';
import { startFastSink } from './fast-sink.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1' }, host: { type: 'string', default: '127.0.0.1' } } });
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1) {
  process.stderr.write(`--count must be a positive integer (got ${values.count})\n`);
  process.exit(2);
}
const targets = await Promise.all(Array.from({ length: count }, () => startFastSink(values.host)));
process.stdout.write(`${JSON.stringify({ urls: targets.map((target) => target.url) })}\n`);
const stop = (): void => {
  void Promise.all(targets.map((target) => target.close())).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
