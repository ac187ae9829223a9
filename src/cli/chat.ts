// `rlm chat [ask options]`: a session of questions over one live sandbox. On a terminal: a prompt with history,
// Ctrl-C cancels the running question (not the session), /new, /cost, /trajectory FILE, /exit. Otherwise one
// question per stdin line; with --json one JSON object per answer (ask --json's fields plus `turn`).
import * as path from 'node:path';
import * as readline from 'node:readline';
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { TrajectoryEvent } from '../rlm/events';
import { formatFooter } from '../rlm/runAccount';
import { Session, type SessionAnswer } from '../rlm/session';
import { JsonlTrajectoryWriter } from '../rlm/trajectoryFile';
import { serializeTrajectory } from '../rlm/trajectoryFormats';
import { namespaced, questionPrefix } from '../webview/sessionEvents';
import { addLimitOptions, addModelOptions, addOutputOptions, addWorkspaceOptions, type OutputOptions, type RunOptions } from './options';
import { progressPrinter } from './progress';
import { runSetup, type RunSetup } from './runSetup';
import { onInterrupt, SIGNAL_EXIT } from './interrupt';
import { UsageError } from './usageError';

type ChatOptions = RunOptions & OutputOptions;

const HELP = `Commands: /new (a new session: fresh sandbox, no transcript), /cost (the session's account), /trajectory FILE (write the session's runs as JSONL), /exit. Ctrl-C cancels the running question.`;

export function chatCommand(exit: (code: number) => void): Command {
  const cmd = new Command('chat')
    .summary('a session of questions over one live sandbox')
    .description(
      'Asks question after question about a folder in one session: later questions reuse the sandbox (its variables) and see the earlier answers. ' +
        'On a terminal: an interactive prompt. Otherwise: one question per stdin line; with --json one JSON object per answer, with "turn".',
    );
  for (const add of [addModelOptions, addLimitOptions, addWorkspaceOptions, addOutputOptions]) add(cmd);
  return cmd.action(async (opts: ChatOptions) => {
    if (opts.trajectoryFormat === 'rlm') throw new UsageError('rlm chat writes its trajectory as JSONL (one namespaced run per question); --trajectory-format rlm is for rlm ask');
    exit(await chat(opts));
  });
}

/** The session and everything a question's output needs. */
class ChatState {
  session: Session;
  /** Every question's events, oldest first (for /trajectory). */
  runs: TrajectoryEvent[][] = [];
  /** Questions that ended without an answer. */
  unanswered = 0;

  constructor(
    readonly setup: RunSetup,
    readonly opts: ChatOptions,
    private readonly writer: JsonlTrajectoryWriter | undefined,
  ) {
    this.session = this.newSession();
  }

  newSession(): Session {
    return new Session({ workspace: this.setup.workspace, model: this.setup.model, subModel: this.setup.subModel, limits: this.setup.limits, prices: this.setup.prices });
  }

  async reset(): Promise<void> {
    await this.session.dispose();
    this.session = this.newSession();
    this.runs = [];
  }

  async ask(question: string, signal: AbortSignal): Promise<SessionAnswer | undefined> {
    const events: TrajectoryEvent[] = [];
    this.runs.push(events);
    const prefix = questionPrefix(this.runs.length);
    const progress = progressPrinter(this.opts.quiet ?? false);
    try {
      const answer = await this.session.ask(question, {
        signal,
        onEvent: (e) => {
          events.push(e);
          this.writer?.write(namespaced([e], prefix)[0]);
          progress(e);
        },
      });
      progress.flush();
      this.print(answer);
      if (!answer.answer) this.unanswered++;
      return answer;
    } catch (e) {
      progress.flush();
      this.unanswered++;
      process.stderr.write(`rlm: ${(e as Error).message.split('\n')[0]}\n`);
      return undefined;
    }
  }

  private print(a: SessionAnswer): void {
    if (this.opts.json) {
      const { account, ...fields } = a;
      void account;
      process.stdout.write(JSON.stringify(fields) + '\n');
    } else if (a.answer) process.stdout.write(a.answer.trimEnd() + '\n');
    if (!this.opts.quiet || !a.answer) {
      if (!a.answer) process.stderr.write(`rlm: no answer (${a.stopReason}${a.detail ? `: ${a.detail}` : ''})\n`);
      else if (a.stopReason !== 'final') process.stderr.write(`[rlm] stopped: ${a.stopReason}${a.detail ? ` (${a.detail})` : ''}\n`);
    }
    if (!this.opts.quiet) process.stderr.write(`[rlm] ${formatFooter(a.account)}\n`);
  }

  /** Runs a /command; returns false for /exit. */
  command(line: string): boolean {
    const [name, ...rest] = line.trim().split(/\s+/);
    const arg = rest.join(' ');
    switch (name) {
      case '/exit':
      case '/quit':
        return false;
      case '/cost': {
        const n = this.session.turns.length;
        process.stderr.write(`[rlm] session: ${n} question${n === 1 ? '' : 's'} · ${formatFooter(this.session.total())}\n`);
        return true;
      }
      case '/trajectory': {
        if (!arg) {
          process.stderr.write('rlm: /trajectory needs a file name: /trajectory session.jsonl\n');
          return true;
        }
        const file = path.resolve(arg);
        try {
          writeFileSync(file, serializeTrajectory(this.runs.flatMap((events, i) => namespaced(events, questionPrefix(i + 1)))));
          process.stderr.write(`[rlm] wrote ${this.runs.length} run${this.runs.length === 1 ? '' : 's'} to ${file}\n`);
        } catch (e) {
          process.stderr.write(`rlm: could not write ${file}: ${(e as Error).message}\n`);
        }
        return true;
      }
      case '/help':
        process.stderr.write(HELP + '\n');
        return true;
      default:
        process.stderr.write(`rlm: unknown command ${name}. ${HELP}\n`);
        return true;
    }
  }
}

async function chat(opts: ChatOptions): Promise<number> {
  const interactive = process.stdin.isTTY === true;
  // Before the session starts, Ctrl-C (while the model server is probed) ends the command as it does for ask.
  const startup = onInterrupt();
  let setup: RunSetup;
  try {
    setup = await runSetup(opts, startup.signal, (line) => {
      if (!opts.quiet) process.stderr.write(`[rlm] ${line}\n`);
    });
  } catch (e) {
    if (!startup.received) throw e;
    return SIGNAL_EXIT[startup.received];
  } finally {
    startup.dispose();
  }
  const writer = opts.trajectory ? new JsonlTrajectoryWriter(path.resolve(opts.trajectory)) : undefined;
  const state = new ChatState(setup, opts, writer);
  try {
    return interactive ? await interactiveLoop(state) : await pipedLoop(state);
  } finally {
    writer?.close();
    await state.session.dispose();
  }
}

/** One question per line of stdin, in order. SIGINT/SIGTERM cancel the running question and end the command. */
async function pipedLoop(state: ChatState): Promise<number> {
  const interrupt = onInterrupt();
  const rl = readline.createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  try {
    for await (const raw of rl) {
      if (interrupt.received) break;
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith('/')) {
        if (line.split(/\s+/)[0] === '/new') await state.reset();
        else if (!state.command(line)) break;
        continue;
      }
      await state.ask(line, interrupt.signal);
    }
  } finally {
    rl.close();
    interrupt.dispose();
  }
  if (interrupt.received) return SIGNAL_EXIT[interrupt.received];
  return state.unanswered ? 1 : 0;
}

/** The prompt on a terminal: history (up/down), Ctrl-C cancels the running question, twice at the prompt quits. */
async function interactiveLoop(state: ChatState): Promise<number> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true, historySize: 200, prompt: 'rlm> ' });
  let running: AbortController | undefined;
  let armed = false;
  rl.on('SIGINT', () => {
    if (running) {
      running.abort();
      process.stderr.write('\n[rlm] cancelling the question… (the session stays)\n');
      return;
    }
    if (armed || rl.line === '') {
      if (armed) return rl.close();
      armed = true;
      process.stderr.write('\n(Ctrl-C again or /exit to quit)\n');
    } else rl.write(null, { ctrl: true, name: 'u' });
    rl.prompt();
  });
  process.stderr.write(`rlm chat: ${state.setup.workspace.roots.map((r) => r.path).join(', ')} with ${state.setup.model.model}. ${HELP}\n`);
  rl.prompt();
  for await (const raw of rl) {
    armed = false;
    const line = raw.trim();
    if (!line) {
      rl.prompt();
      continue;
    }
    if (line.startsWith('/')) {
      if (line.split(/\s+/)[0] === '/new') {
        await state.reset();
        process.stderr.write('[rlm] new session\n');
      } else if (!state.command(line)) break;
      rl.prompt();
      continue;
    }
    // Input keeps flowing while the question runs, so Ctrl-C reaches the SIGINT handler above (lines typed
    // meanwhile wait their turn).
    running = new AbortController();
    await state.ask(line, running.signal);
    running = undefined;
    rl.prompt();
  }
  rl.close();
  return 0;
}
