#!/usr/bin/env node
// The `weft` executable: reads configuration, wires the CLI to the hub and the store.
import { runCli } from '../cli/main.ts';
import type { CliContext } from '../cli/command.ts';
import { loadConfig } from '../config/load.ts';
import { createIdGenerator, systemClock } from '../ports/clock.ts';
import { openDeadLetters, openStore, startHub, version } from './hub.ts';
import { demoByDefault, startDemoHub } from './demo/run.ts';

function takeConfigFlag(argv: string[]): { file: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let file: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--config') file = argv[++index];
    else if (arg.startsWith('--config=')) file = arg.slice('--config='.length);
    else rest.push(arg);
  }
  return { file, rest };
}

/** Business events per second of the demo when `--rate` is not given. */
const DEFAULT_DEMO_RATE = 2;

const { file, rest } = takeConfigFlag(process.argv.slice(2));
// Signals are caught only by commands that wait for them (start, tail -f); a second signal forces exit.
let stop: Promise<string> | undefined;
const stopRequested = (): Promise<string> =>
  (stop ??= new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (stopping) process.exit(130);
        stopping = true;
        resolve(signal);
      });
    }
  }));
let stopping = false;
const config = (overrides: Record<string, unknown> = {}) => loadConfig({ ...(file ? { file } : {}), overrides });

const context: CliContext = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  openStore: () => openStore(config()),
  openDeadLetters: () => openDeadLetters(config()),
  startHub: (overrides, options = {}) => {
    const loaded = config(overrides);
    return (options.demo ?? demoByDefault(loaded)) ? startDemoHub(loaded, { rate: options.rate ?? DEFAULT_DEMO_RATE }) : startHub(loaded);
  },
  stopRequested,
  clock: systemClock,
  ids: createIdGenerator(systemClock),
};

process.exitCode = await runCli(rest, context, version);
// Once the command is done nothing else may keep the process alive (signal listeners, timers).
process.exit();
