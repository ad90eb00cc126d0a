import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A hub running as a child process, as an operator would run it. */
export interface HubProcess {
  url: string;
  /** Where the availability reader threads listen, when the hub runs them (inventory.readers.threads). */
  readersUrl: string | undefined;
  /** The admin token printed at first start (undefined on later starts). */
  token: string | undefined;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal and waits for the process to exit; resolves to its exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

const entry = fileURLToPath(new URL('../../src/app/weft.ts', import.meta.url));

/**
 * Starts `weft start --no-demo` (the hub alone, on its configured store: what these tests are about)
 * with the given environment and waits until it prints its URL.
 */
export function spawnHub(env: Record<string, string>, options: { timeoutMs?: number; args?: string[] } = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, [entry, 'start', '--no-demo', ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise<HubProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hub did not start within ${options.timeoutMs ?? 20_000} ms:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Weft is running at (http:\/\/\S+)/.exec(output)?.[1];
      const firstStart = output.includes('First start');
      const token = /^\s+(weft_key_\S+)\s*$/m.exec(output)?.[1];
      if (url && (!firstStart || token)) {
        clearTimeout(timer);
        resolve({
          url,
          readersUrl: /availability readers \(\d+ threads?\) at (http:\/\/\S+)/.exec(output)?.[1],
          token,
          child,
          output: () => output,
          stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** A TCP port free right now on 127.0.0.1, for a hub that must keep its URL across restarts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
