// `rlm ask [options] "question"`: one question, the answer on stdout, progress on stderr.
import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { runRlm } from '../rlm/engine';
import type { TrajectoryEvent } from '../rlm/events';
import { JsonlTrajectoryWriter } from '../rlm/trajectoryFile';
import { toOfficialLog } from '../rlm/trajectoryFormats';
import { formatFooter, RunAccountBuilder } from '../rlm/runAccount';
import type { RunResult } from '../rlm/types';
import { addLimitOptions, addModelOptions, addOutputOptions, addWorkspaceOptions, type OutputOptions, type RunOptions } from './options';
import { runSetup } from './runSetup';
import { progressPrinter } from './progress';
import { indexingStep } from '../rlm/progressSteps';
import { onInterrupt, SIGNAL_EXIT } from './interrupt';
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
    const progress = progressPrinter(opts.quiet ?? false);
    const setup = await runSetup(opts, interrupt.signal, (line) => progress.line(line));
    // Something on stderr at once: the folders are being indexed (the first event comes when that is done).
    progress.line(indexingStep(setup.workspace.roots.map((r) => r.path)).text);
    // Our JSONL is written as events happen; the official format is one log per run, written at the end.
    const official = opts.trajectoryFormat === 'rlm' && opts.trajectory ? path.resolve(opts.trajectory) : undefined;
    writer = opts.trajectory && !official ? new JsonlTrajectoryWriter(path.resolve(opts.trajectory)) : undefined;
    const collected: TrajectoryEvent[] = [];
    const ending = runEndFallback();
    // A second signal exits at once: the trajectory still ends with a run_end.
    interrupt.beforeForcedExit = () => {
      if (!ending.seen) writer?.write(ending.event(interrupt.received));
      writer?.close();
    };
    const result = await runRlm({
      question,
      ...setup,
      signal: interrupt.signal,
      onEvent: (e) => {
        writer?.write(e);
        if (official) collected.push(e);
        ending.observe(e);
        progress(e);
      },
    });
    progress.flush();
    if (official) writeFileSync(official, toOfficialLog(collected));
    if (opts.json) process.stdout.write(JSON.stringify({ ...result }, null, 2) + '\n');
    else if (result.answer) process.stdout.write(result.answer.trimEnd() + '\n');
    if (!opts.quiet) {
      // Without an answer exitStatus says why, once; with one, say which limit ended the run.
      if (result.stopReason !== 'final' && result.answer) process.stderr.write(`[rlm] stopped: ${result.stopReason}${result.detail ? ` (${result.detail})` : ''}\n`);
      if (result.secretsRedacted) process.stderr.write(`[rlm] ${result.secretsRedacted} secret value(s) were cut from what the model saw (--include-secrets sends them)\n`);
      process.stderr.write(`[rlm] ${formatFooter(ending.account())}\n`);
    }
    return exitStatus(result, interrupt.received);
  } catch (e) {
    // Interrupted before the run began (while the model server was probed): still the signal's status.
    if (!interrupt.received) throw e;
    process.stderr.write(`rlm: no answer (cancelled: ${(e as Error).message?.split('\n')[0] ?? String(e)})\n`);
    return SIGNAL_EXIT[interrupt.received];
  } finally {
    writer?.close();
    interrupt.dispose();
  }
}

/**
 * 0 only for an answer that came from FINAL (also on the last turn after a limit); 130/143 after SIGINT/SIGTERM;
 * otherwise 1, with the reason on stderr.
 */
function exitStatus(result: RunResult, signal: 'SIGINT' | 'SIGTERM' | undefined): number {
  if (result.answer && !signal) return 0;
  process.stderr.write(`rlm: no answer (${result.stopReason}${result.detail ? `: ${result.detail}` : ''})\n`);
  return signal ? SIGNAL_EXIT[signal] : 1;
}

/**
 * The run's account as events arrive: the summary line, and a run_end written at a forced exit (the engine had no
 * time to write its own).
 */
function runEndFallback() {
  const started = Date.now();
  let seen = false;
  const builder = new RunAccountBuilder();
  return {
    get seen() {
      return seen;
    },
    observe(e: TrajectoryEvent): void {
      if (e.type === 'run_end' && e.runId === 'r0') seen = true;
      builder.add(e);
    },
    account: () => builder.account(),
    event(signal: string | undefined): TrajectoryEvent {
      const { turns: iterations, subCalls, usage, costUsd } = builder.account();
      return {
        type: 'run_end',
        id: 'forced-exit',
        time: Date.now(),
        runId: 'r0',
        stopReason: 'cancelled',
        detail: `the process was stopped (${signal ?? 'signal'}) before the run could end`,
        iterations,
        subCalls,
        usage,
        costUsd,
        durationMs: Date.now() - started,
      };
    },
  };
}
