// The `rlm` command line: its subcommands, and how errors become exit statuses.
// Exit: what the command returns (0 answered from FINAL, 1 no answer or a failure, 130/143 after SIGINT/SIGTERM),
// 2 for a usage error.
import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { askCommand } from './ask';
import { chatCommand } from './chat';
import { evalCommand } from './eval';
import { UsageError } from './usageError';

/** Every subcommand: a factory given the function that records its exit status. Add a command here. */
const COMMANDS: ((exit: (code: number) => void) => Command)[] = [askCommand, chatCommand, evalCommand];

const KEY_NOTE = '\nThe API key comes from OPENAI_API_KEY (never from a flag, so it stays out of shell history and process lists).';

export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('rlm')
    .description('Answers questions about a whole codebase with a Recursive Language Model, citing path:line.')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'this text')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .showSuggestionAfterError(true);
  program.addHelpText('after', KEY_NOTE);
  for (const make of COMMANDS) {
    const cmd = make(exit).helpOption('-h, --help', 'this text').exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });
    cmd.addHelpText('after', KEY_NOTE);
    program.addCommand(cmd);
  }
  return program;
}

/** Runs the command line and returns the exit status; errors are one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '--api-key' || a.startsWith('--api-key='))) {
    return usage('pass the API key in the OPENAI_API_KEY environment variable, not as a flag');
  }
  if (!argv.length) return usage('missing command: rlm ask "question" (rlm --help lists the commands)');
  let status = 0;
  const program = buildProgram((code) => (status = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end with exit code 0; everything else commander reports is a usage error.
      return e.exitCode === 0 ? 0 : usage(e.message.replace(/^error: /, ''));
    }
    if (e instanceof UsageError) return usage(e.message);
    process.stderr.write(`rlm: ${(e as Error).message?.split('\n')[0] ?? String(e)}\n`);
    return 1;
  }
}

function usage(message: string): number {
  process.stderr.write(`rlm: ${message}\nRun "rlm --help" for usage.\n`);
  return 2;
}
