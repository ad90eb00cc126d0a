import type { ParseArgsConfig } from 'node:util';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { DeadLetters } from '../delivery/dead-letters.ts';
import type { Store } from '../ports/store.ts';

/** A running hub, as the CLI sees it. */
export interface RunningHub {
  /** Base URL of the API. */
  url: string;
  /** Graceful stop. */
  close(): Promise<void>;
}

/** What a command may use; the composition root provides it. */
export interface CliContext {
  /** Writes a line to stdout. */
  out(text: string): void;
  /** Writes a line to stderr. */
  err(text: string): void;
  /** Opens the configured store; the command closes it. */
  openStore(): Promise<Store>;
  /** Opens the store and the dead-letter service over the configured targets (no connection to any target is made); `close` releases both. */
  openDeadLetters(): Promise<{ deadLetters: DeadLetters; close(): Promise<void> }>;
  /**
   * Starts the hub with command-line overrides of config fields (`http.port`, ...). With `demo`
   * (default: only when no source, target or route is configured) it runs with the demo estate,
   * its traffic at `rate` business events per second.
   */
  startHub(overrides: Record<string, unknown>, options?: { demo?: boolean; rate?: number }): Promise<RunningHub>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopRequested(): Promise<string>;
  clock: Clock;
  ids: IdGenerator;
}

/** Parsed arguments of a command. */
export interface CommandArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** One CLI command: `weft <name> [options]`. */
export interface Command {
  /** Words after `weft` (`keys create`). */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage and options, shown by `weft <name> --help`. */
  usage: string;
  /** Options, in `util.parseArgs` form. */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether positional arguments are accepted. */
  positionals?: boolean;
  /** Runs the command; resolves to the exit code. */
  run(context: CliContext, args: CommandArgs): Promise<number>;
}
