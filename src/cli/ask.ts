// `rlm ask [options] "question"`: one question, the answer on stdout, progress on stderr.
import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { runRlm } from '../rlm/engine';
import type { TrajectoryEvent } from '../rlm/events';
import { JsonlTrajectoryWriter } from '../rlm/trajectoryFile';
import { toOfficialLog } from '../rlm/trajectoryFormats';
import { DEFAULT_LIMITS } from '../rlm/types';
import { addLimitOptions, addModelOptions, addOutputOptions, addWorkspaceOptions, type OutputOptions, type RunOptions } from './options';
import { runSetup } from './runSetup';
import { progressPrinter } from './progress';
import { onInterrupt } from './interrupt';
import { UsageError } from './usageError';

type AskOptions = RunOptions & OutputOptions;

export function askCommand(exit: (code: number) => void): Command {
  const cmd = new Command('ask').summary('answer one question about a folder').description('Answers a question about a folder of code with a Recursive Language Model.').argument('[question...]', 'the question');
  for (const add of [addModelOptions, addLimitOptions, addWorkspaceOptions, addOutputOptions]) add(cmd);
  return cmd.action(async (words: string[], opts: AskOptions) => {
    const question = words.join(' ').trim();
    if (!question) throw new UsageError('missing question: rlm ask "question"');
    exit(await ask(question, opts));
  });
}

async function ask(question: string, opts: AskOptions): Promise<number> {
  const interrupt = onInterrupt();
  let writer: JsonlTrajectoryWriter | undefined;
  try {
    const setup = await runSetup(opts, interrupt.signal);
    // Our JSONL is written as events happen; the official format is one log per run, written at the end.
    const official = opts.trajectoryFormat === 'rlm' && opts.trajectory ? path.resolve(opts.trajectory) : undefined;
    writer = opts.trajectory && !official ? new JsonlTrajectoryWriter(path.resolve(opts.trajectory)) : undefined;
    const collected: TrajectoryEvent[] = [];
    const progress = progressPrinter(opts.quiet ?? false, setup.limits.maxIterations ?? DEFAULT_LIMITS.maxIterations);
    const result = await runRlm({
      question,
      ...setup,
      signal: interrupt.signal,
      onEvent: (e) => {
        writer?.write(e);
        if (official) collected.push(e);
        progress(e);
      },
    });
    if (official) writeFileSync(official, toOfficialLog(collected));
    if (opts.json) process.stdout.write(JSON.stringify({ ...result }, null, 2) + '\n');
    else if (result.answer) process.stdout.write(result.answer.trimEnd() + '\n');
    if (!opts.quiet) {
      if (result.stopReason !== 'final') process.stderr.write(`[rlm] stopped: ${result.stopReason}${result.detail ? ` (${result.detail})` : ''}\n`);
      process.stderr.write(`[rlm] ${result.iterations} turns · ${result.subCalls} sub-calls · ${result.usage.inputTokens} in / ${result.usage.outputTokens} out tokens · ${(result.durationMs / 1000).toFixed(1)} s\n`);
    }
    if (!result.answer) {
      process.stderr.write(`rlm: no answer (${result.stopReason}${result.detail ? `: ${result.detail}` : ''})\n`);
      return 1;
    }
    return 0;
  } finally {
    writer?.close();
    interrupt.dispose();
  }
}
