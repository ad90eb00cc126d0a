import { parseArgs } from 'node:util';
import { WeftError } from '../errors/index.ts';
import type { CliContext, Command } from './command.ts';
import { dlqDiscardCommand, dlqListCommand, dlqReplayCommand, dlqShowCommand } from './commands/dlq.ts';
import { eventsShowCommand } from './commands/events-show.ts';
import { eventsTailCommand } from './commands/events-tail.ts';
import { keysCreateCommand } from './commands/keys-create.ts';
import { keysListCommand } from './commands/keys-list.ts';
import { keysRevokeCommand } from './commands/keys-revoke.ts';
import { startCommand } from './commands/start.ts';
import { demoCommand } from './commands/demo.ts';

/** Every command, in the order `weft --help` lists them. */
export const commands: readonly Command[] = [
  startCommand,
  demoCommand,
  eventsTailCommand,
  eventsShowCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  dlqListCommand,
  dlqShowCommand,
  dlqReplayCommand,
  dlqDiscardCommand,
];

/** `weft --help`. */
export function overview(version: string): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `weft ${version} — retail integration hub`,
    '',
    'Usage: weft [--config <file>] <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Global options:',
    '  --config <file>  Config file (JSON); default $WEFT_CONFIG or ./weft.config.json',
    '  -h, --help       Help for weft or a command (weft keys create --help)',
    '  -v, --version    Print the version',
    '',
    'Configuration fields, their environment variables and defaults: docs/configuration.md',
  ].join('\n');
}

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const command of [...commands].sort((a, b) => b.name.length - a.name.length)) {
    const words = command.name.split(' ');
    if (words.every((word, index) => argv[index] === word)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

/** Runs the CLI; resolves to the process exit code. Errors become one readable line, never a stack trace. */
export async function runCli(argv: readonly string[], context: CliContext, version: string): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    context.out(overview(version));
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    context.out(version);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = commands.filter((command) => command.name.startsWith(`${first} `));
    if (group.length > 0 && (argv.length === 1 || argv[1]?.startsWith('-'))) {
      context.err(`weft ${first} needs a subcommand:\n${group.map((command) => `  weft ${command.name.padEnd(14)} ${command.summary}`).join('\n')}`);
    } else {
      context.err(`Unknown command "${argv.join(' ')}". See: weft --help`);
    }
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    context.out(`Usage: ${command.usage}`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: command.positionals ?? false, strict: true });
  } catch (error) {
    context.err(`${(error as Error).message}. See: weft ${command.name} --help`);
    return 2;
  }
  try {
    return await command.run(context, { values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals });
  } catch (error) {
    if (error instanceof WeftError) {
      context.err(`weft ${command.name}: ${error.message}${error.code === 'invalid_config' ? '' : ` [${error.code}]`}`);
      for (const problem of error.problems.slice(0, 20)) context.err(`  ${problem.pointer} ${problem.message}`);
    } else {
      const err = error as NodeJS.ErrnoException;
      context.err(`weft ${command.name}: ${err.code === 'EADDRINUSE' ? `the port is already in use (${err.message})` : err.message}`);
    }
    return 1;
  }
}
