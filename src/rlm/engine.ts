// The recursive loop: the root model writes code, the sandbox runs it, the model sees the printed output,
// until it calls FINAL or a limit ends the run. Sub-calls and child runs share one scheduler, cache and budget.
import { Budget, BudgetExceeded } from './budget';
import { checkCitations, citationRepairMessage, invalidCitationNote } from './citations';
import type { NewEvent, StopReason, SubCallEvent, TrajectoryEvent } from './events';
import type { ChatMessage, ChatResponse, ModelClient, TokenUsage } from './models/types';
import {
  executionMessage,
  firstMessage,
  FINAL_IN_PROSE_REMINDER,
  lastTurnMessage,
  NO_CODE_REMINDER,
  skippedLanguagesNote,
  SUB_CALL_SYSTEM_PROMPT,
  systemPrompt,
  UNTERMINATED_NOTE,
  type BlockReport,
  type PromptSettings,
} from './prompts';
import { parseReply } from './replyParser';
import { BoundSandbox } from './sandbox/boundSandbox';
import type { SandboxVariableInfo } from './sandbox/protocol';
import { Scheduler, type SchedulerSlot } from './scheduler';
import { clip, shareOutputCap, truncateMiddleMapped } from './truncate';
import { SecretRedactor } from './secretRedaction';
import { replyCharCap } from './models/usage';
import { CostTotal, PriceTable } from './prices';
import { DEFAULT_LIMITS, MAX_ANSWER_CHARS, type FocusItem, type RlmLimits, type RunOptions, type RunResult } from './types';
import type { WorkspaceSpec } from '../workspace/types';
import { openWorkspace } from '../workspace/workspace';

/** Sub-call prompts beyond this are refused with advice to split them (no model takes 10 MB). */
const MAX_SUB_PROMPT_CHARS = 600_000;
/** Characters scanned for secrets beyond each cut of printed output. */
const REDACTION_MARGIN = 8192;
/** Output and responses kept in trajectory events. */
const MAX_EVENT_TEXT = 100_000;
/** Time the last turn gets after the run's own time ran out. */
const LAST_TURN_GRACE_MS = 60_000;
/** Text given to a degraded rlm_query (llm_query) from its paths. */
const MAX_DEGRADED_CONTEXT_CHARS = 200_000;

class Cancelled extends Error {
  constructor(readonly reason: 'cancelled' | 'timeout', message: string) {
    super(message);
  }
}

/** State shared by the whole run tree. */
class RunTree {
  readonly limits: RlmLimits;
  readonly budget: Budget;
  readonly scheduler: Scheduler;
  readonly controller = new AbortController();
  readonly cache = new Map<string, Promise<ChatResponse>>();
  readonly subModel: ModelClient;
  /** Cuts secret values out of everything sent to a model, unless the user allowed secrets. */
  readonly redactor: SecretRedactor;
  readonly prices: PriceTable;
  deepest = 0;
  private nextId = 0;
  private nextRun = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly unlisten: () => void;

  constructor(readonly options: RunOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...definedOnly(options.limits ?? {}) };
    this.budget = new Budget(this.limits);
    this.scheduler = options.scheduler ?? new Scheduler(this.limits.concurrency, this.controller.signal);
    this.subModel = options.subModel ?? options.model;
    this.prices = options.prices ?? new PriceTable();
    this.redactor = new SecretRedactor(options.workspace.options?.includeSecrets !== true);
    const onAbort = () => this.controller.abort(new Cancelled('cancelled', 'the run was cancelled'));
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.unlisten = () => options.signal?.removeEventListener('abort', onAbort);
    this.timer = setTimeout(
      () => this.controller.abort(new Cancelled('timeout', `the run's time limit of ${Math.round(this.limits.timeoutMs / 1000)} s was reached`)),
      this.limits.timeoutMs,
    );
    this.timer.unref?.();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  id(): string {
    return `e${++this.nextId}`;
  }

  runId(): string {
    return `r${this.nextRun++}`;
  }

  emit(event: NewEvent & { id?: string }): TrajectoryEvent {
    const full = { ...event, id: event.id ?? this.id(), time: Date.now() } as TrajectoryEvent;
    try {
      this.options.onEvent?.(full);
    } catch {
      // A listener's failure must not end the run.
    }
    return full;
  }

  /** Why the tree was aborted, if it was. */
  abortReason(): Cancelled | undefined {
    if (!this.signal.aborted) return undefined;
    const r = this.signal.reason;
    return r instanceof Cancelled ? r : new Cancelled('cancelled', 'the run was cancelled');
  }

  close(): void {
    clearTimeout(this.timer);
    this.unlisten();
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface RunParams {
  question: string;
  spec: WorkspaceSpec;
  depth: number;
  model: ModelClient;
  parentEventId?: string;
  focus?: FocusItem[];
  scope?: { paths?: string[]; textChars?: number };
  /** A session's live sandbox (root run only): used, not disposed. */
  shared?: BoundSandbox;
  /** A session's note for the first message (earlier answers, variables still defined). */
  memo?: string;
}

/** What one run (with its descendants) spent: a child's run_end and its rlm_query row carry it. */
interface RunTally {
  usage: TokenUsage;
  cost: CostTotal;
  /** Sub-calls that went to a model (the budget's count). */
  subCalls: number;
  readonly startedAt: number;
}

interface RunOutcome {
  answer: string;
  stopReason: StopReason;
  detail?: string;
  iterations: number;
  runId: string;
  /** The run_start event's id. */
  runEventId: string;
  tally: RunTally;
}

function newTally(): RunTally {
  return { usage: { inputTokens: 0, outputTokens: 0 }, cost: new CostTotal(), subCalls: 0, startedAt: Date.now() };
}

function addUsage(t: RunTally, u: TokenUsage, costUsd: number | null): void {
  t.usage.inputTokens += u.inputTokens;
  t.usage.outputTokens += u.outputTokens;
  t.cost.add(costUsd);
}

export async function runRlm(options: RunOptions): Promise<RunResult> {
  if (!options.question?.trim()) throw new Error('The question is empty.');
  if (!options.workspace?.roots?.length) throw new Error('No workspace folder to search.');
  const tree = new RunTree(options);
  try {
    const outcome = await runOne(tree, {
      question: options.question.trim(),
      spec: options.workspace,
      depth: 0,
      model: options.model,
      focus: options.focus?.map((f) => (f.text ? { ...f, text: tree.redactor.redact(f.text) } : f)),
      shared: options.session?.sandbox,
      memo: options.session?.memo === undefined ? undefined : tree.redactor.redact(options.session.memo),
    });
    const capped = capAnswer(outcome.answer);
    const citations = capped ? await checkCitations(capped, options.workspace.roots) : [];
    const answer = capped ? capped + invalidCitationNote(citations) : '';
    const result: RunResult = {
      answer,
      stopReason: outcome.stopReason,
      detail: outcome.detail,
      iterations: outcome.iterations,
      subCalls: tree.budget.subCalls,
      depth: tree.deepest,
      usage: { ...tree.budget.usage },
      costUsd: tree.budget.cost.value,
      citations,
      durationMs: tree.budget.elapsedMs(),
      secretsRedacted: tree.redactor.removed,
    };
    // The answer is stored once, in `final` (only a run that produced one has it).
    if (answer) tree.emit({ type: 'final', runId: outcome.runId, answer, citations });
    tree.emit({
      type: 'run_end',
      runId: outcome.runId,
      stopReason: result.stopReason,
      detail: result.detail,
      iterations: result.iterations,
      subCalls: result.subCalls,
      usage: result.usage,
      costUsd: result.costUsd,
      durationMs: result.durationMs,
    });
    return result;
  } finally {
    tree.close();
  }
}

async function runOne(tree: RunTree, p: RunParams): Promise<RunOutcome> {
  const { limits, budget } = tree;
  const runId = tree.runId();
  const runEventId = tree.id();
  const tally = newTally();
  const outcome = (o: Omit<RunOutcome, 'runId' | 'runEventId' | 'tally' | 'iterations'>): RunOutcome => ({ ...o, iterations, runId, runEventId, tally });
  tree.deepest = Math.max(tree.deepest, p.depth);
  const subCallsOn = tree.options.subCalls !== false;
  const settings: PromptSettings = { limits, depth: p.depth, canRecurse: subCallsOn && p.depth + 1 <= limits.maxDepth, subCalls: subCallsOn };
  let currentCodeId = runEventId;
  /** Set for the last turn: no more sub-calls. */
  let closing = false;

  const subCall = async (prompt: unknown, opts: unknown, signal: AbortSignal, batch?: SubCallEvent['batch']): Promise<string> => {
    if (typeof prompt !== 'string') throw new Error(`llm_query expects a string prompt, got ${typeof prompt}`);
    if (closing) throw new Error('no more sub-calls: the run is finishing');
    if (prompt.length > MAX_SUB_PROMPT_CHARS) {
      throw new Error(`llm_query prompt is ${prompt.length.toLocaleString('en-US')} characters; the cap is ${MAX_SUB_PROMPT_CHARS.toLocaleString('en-US')}. Split it into chunks and use llm_batch.`);
    }
    return callSubModel(tree, { runId, parentId: currentCodeId, prompt, model: subModelName(opts), signal, tally, batch });
  };
  const subModelName = (opts: unknown): string => {
    const model = (opts as { model?: unknown } | undefined)?.model;
    return typeof model === 'string' && model ? model : tree.subModel.model;
  };

  const startChild = (task: ChildTask, signal: AbortSignal): Promise<string> => {
    if (!settings.canRecurse) return degradedRlmQuery(task.prompt, task.paths, task.text, sandbox.workspaceSpec(), signal, subCall);
    return childRun(tree, { runId, parentId: currentCodeId, ...task, parent: p, parentSpec: sandbox.workspaceSpec(), signal, tally });
  };

  const hostFunctions = {
    llm_query: async ([prompt, opts]: unknown[], signal: AbortSignal) => subCall(prompt, opts, signal),
    llm_batch: async ([prompts, opts]: unknown[], signal: AbortSignal) => {
      if (!Array.isArray(prompts)) throw new Error(`llm_batch expects an array of prompts, got ${typeof prompts}`);
      if (closing) throw new Error('no more sub-calls: the run is finishing');
      // Refused whole before any call starts: a batch cut short halfway helps no one. Repeated prompts are free
      // (keyed before redaction here: a prompt with a secret in it may be counted as new, never the reverse).
      const model = subModelName(opts);
      const fresh = new Set(prompts.filter((q) => typeof q === 'string' && !tree.cache.has(subCallKey(model, q))));
      budget.checkBatch(`llm_batch of ${prompts.length}`, fresh.size);
      // The batch (id, size) rides on each sub-call event, so progress can say "llm_batch 12/32".
      const batch = { id: tree.id(), size: prompts.length };
      return Promise.all(prompts.map((q) => subCall(q, opts, signal, batch).catch((e) => `[llm_query failed: ${errorMessage(e)}]`)));
    },
    rlm_query: async ([prompt, opts]: unknown[], signal: AbortSignal) => {
      if (closing) throw new Error('no more sub-calls: the run is finishing');
      return startChild(childTask(prompt, opts, 'rlm_query'), signal);
    },
    rlm_batch: async ([tasks]: unknown[], signal: AbortSignal) => {
      if (!Array.isArray(tasks)) throw new Error(`rlm_batch(tasks): tasks must be an array of prompts or {prompt, paths, text}, got ${typeof tasks}`);
      if (closing) throw new Error('no more sub-calls: the run is finishing');
      const parsed = tasks.map((t, i) =>
        typeof t === 'string' ? childTask(t, undefined, `rlm_batch: tasks[${i}]`) : childTask((t as { prompt?: unknown } | null)?.prompt, t, `rlm_batch: tasks[${i}]`),
      );
      budget.checkBatch(`rlm_batch of ${tasks.length}`, parsed.length);
      return Promise.all(parsed.map((t) => startChild(t, signal).catch((e) => `[rlm_query failed: ${errorMessage(e)}]`)));
    },
  };

  let bound: BoundSandbox;
  try {
    bound = p.shared ?? (await BoundSandbox.open(p.spec, { blockTimeoutMs: limits.blockTimeoutMs, memoryLimitMb: limits.memoryLimitMb }));
  } catch (e) {
    throw new Error(`Could not start the sandbox: ${errorMessage(e)}`);
  }
  const sandbox = bound.sandbox;
  let unbind: (() => void) | undefined;

  let iterations = 0;
  try {
    unbind = bound.bind({
      hostFunctions: subCallsOn ? hostFunctions : withoutSubCalls(hostFunctions),
      // A grep hit's line is kept in the trajectory: its secrets are cut like everything the model sees.
      onEvidence: (ev) => tree.emit({ ...ev, ...(ev.text ? { text: tree.redactor.redact(ev.text) } : {}), type: 'evidence', runId, parentId: currentCodeId }),
    });
    const summary = await sandbox.summary();
    // Nothing to read: say so before any model call rather than let the model search an empty folder.
    if (p.depth === 0 && summary.fileCount === 0) throw new Error(emptyWorkspaceMessage(summary.roots));
    tree.emit({
      id: runEventId,
      type: 'run_start',
      runId,
      parentId: p.parentEventId,
      depth: p.depth,
      question: p.question,
      provider: p.model.provider,
      model: p.model.model,
      subModel: tree.subModel.model,
      workspace: { name: summary.name, fileCount: summary.fileCount, totalBytes: summary.totalBytes },
      scope: p.scope,
      limits: { ...limits },
    });
    const scopeNote = p.scope
      ? p.scope.paths
        ? `This child run sees only: ${p.scope.paths.join(', ')}.`
        : `This child run sees only the text it was given (${p.scope.textChars} characters), as the file input.txt.`
      : undefined;
    const messages: ChatMessage[] = [
      { role: 'system', content: systemPrompt(settings) },
      { role: 'user', content: firstMessage(p.question, summary, settings, p.focus, scopeNote, p.memo) },
    ];

    let consecutiveErrors = 0;
    let lastIterationId = runEventId;
    /** A reply over the output cap is cut before it enters the history; the next message says so. */
    const replyCap = replyCharCap(limits.maxReplyTokens);
    let replyNote: string | undefined;
    let stop: { reason: StopReason; detail: string } | undefined;

    // One model turn; returns the reply or a reason to stop.
    const turn = async (signal: AbortSignal): Promise<ChatResponse> => {
      const started = Date.now();
      const call = (slot?: SchedulerSlot) =>
        p.model.chat({ messages, signal, maxOutputTokens: limits.maxReplyTokens, beforeRetry: slot && retryThroughScheduler(slot) });
      // Child runs' turns are sub-model calls: they share the run tree's concurrency limit (and its 429 narrowing).
      const reply = p.depth === 0 ? await call() : await tree.scheduler.run(call);
      const costUsd = tree.prices.cost(reply, p.model.model);
      budget.addUsage(reply.usage, costUsd);
      addUsage(tally, reply.usage, costUsd);
      iterations++;
      replyNote = replyCapNote(reply, limits.maxReplyTokens);
      if (reply.text.length > replyCap) reply.text = reply.text.slice(0, replyCap);
      lastIterationId = tree.id();
      tree.emit({ id: lastIterationId, type: 'iteration', runId, parentId: runEventId, iteration: iterations, response: reply.text, usage: reply.usage, costUsd, durationMs: Date.now() - started });
      return reply;
    };

    // Runs a reply's code; returns the final answer if FINAL was called.
    const runCode = async (
      replyText: string,
      signal: AbortSignal,
    ): Promise<{ final?: string; reports: BlockReport[]; notes: string[]; variables?: SandboxVariableInfo[] }> => {
      const parsed = parseReply(replyText);
      const notes: string[] = [];
      if (replyNote) notes.push(replyNote);
      if (parsed.skippedLanguages.length) notes.push(skippedLanguagesNote(parsed.skippedLanguages));
      if (parsed.unterminated) notes.push(UNTERMINATED_NOTE);
      if (parsed.blocks.length === 0) {
        if (parsed.finalInProse) notes.unshift(FINAL_IN_PROSE_REMINDER);
        else if (!parsed.unterminated) notes.unshift(NO_CODE_REMINDER);
        return { reports: [], notes };
      }
      const outputs: string[] = [];
      const reports: BlockReport[] = [];
      let variables: SandboxVariableInfo[] | undefined;
      // The turn's output cap is shared by what the blocks actually print (computed once they all ran).
      const finish = (final?: string) => {
        const shares = shareOutputCap(outputs.map((o) => o.length), limits.maxOutputChars);
        outputs.forEach((o, i) => (reports[i].output = truncateMiddleMapped(o, shares[i], (t) => tree.redactor.redact(t), undefined, REDACTION_MARGIN)));
        if (final === undefined && parsed.finalInProse) notes.unshift(FINAL_IN_PROSE_REMINDER);
        return { final, reports, notes, variables };
      };
      for (let i = 0; i < parsed.blocks.length; i++) {
        const code = parsed.blocks[i];
        const codeId = tree.id();
        currentCodeId = codeId;
        const result = await sandbox.exec(code, signal);
        let output = result.stdout;
        if (result.droppedChars > 0) output += `\n[... ${result.droppedChars.toLocaleString('en-US')} more characters were printed and dropped ...]`;
        // Secrets are cut from the head and tail the model will see, each read with a margin so that a secret
        // across the cut (a private key is up to ~3.3 KB) is still found whole; the dropped middle is not scanned.
        const shown = truncateMiddleMapped(output, limits.maxOutputChars, (t) => tree.redactor.redact(t), undefined, REDACTION_MARGIN);
        outputs.push(output);
        if (result.variables) variables = result.variables;
        else if (result.restarted) variables = [];
        const error = result.error === undefined ? undefined : tree.redactor.redact(result.error);
        tree.emit({
          id: codeId,
          type: 'code',
          runId,
          parentId: lastIterationId,
          iteration: iterations,
          index: i,
          code,
          output: clip(shown, MAX_EVENT_TEXT),
          error,
          durationMs: result.durationMs,
          restarted: result.restarted || undefined,
        });
        reports.push({ output: shown, error, restarted: result.restarted, timedOut: result.timedOut });
        if (result.final !== undefined) return finish(result.final);
        if (signal.aborted) break;
      }
      return finish();
    };

    let answer: string | undefined;
    let citationRepairUsed = false;
    while (true) {
      const aborted = tree.abortReason();
      if (aborted) {
        stop = { reason: aborted.reason, detail: aborted.message };
        break;
      }
      if (budget.exceeded) {
        stop = { reason: budget.exceeded.reason, detail: budget.exceeded.message };
        break;
      }
      if (iterations >= limits.maxIterations) {
        stop = { reason: 'max_iterations', detail: `the limit of ${limits.maxIterations} turns was reached` };
        break;
      }
      if (consecutiveErrors >= limits.maxConsecutiveErrors) {
        stop = { reason: 'max_errors', detail: `${consecutiveErrors} turns in a row failed` };
        break;
      }
      let reply: ChatResponse;
      try {
        reply = await turn(tree.signal);
      } catch (e) {
        const aborted = tree.abortReason();
        if (aborted) {
          stop = { reason: aborted.reason, detail: aborted.message };
          break;
        }
        if (e instanceof BudgetExceeded) {
          stop = { reason: e.reason, detail: e.message };
          break;
        }
        // The client already retried; a model that still fails ends the run with its reason.
        return outcome({ answer: '', stopReason: 'model_error', detail: errorMessage(e) });
      }
      messages.push({ role: 'assistant', content: reply.text });
      const { final, reports, notes, variables } = await runCode(reply.text, tree.signal);
      if (final !== undefined && final.trim()) {
        // One repair turn before accepting a root FINAL whose citations fail; the next FINAL is taken as it is.
        // (A child's answer goes to its parent's code with its citations checked and flagged, not repaired.)
        if (p.depth === 0 && !citationRepairUsed && !p.spec.virtualFiles?.length) {
          const citations = await checkCitations(final, p.spec.roots).catch(() => []);
          if (citations.some((c) => !c.valid)) {
            citationRepairUsed = true;
            messages.push({ role: 'user', content: citationRepairMessage(citations) });
            continue;
          }
        }
        answer = final;
        break;
      }
      if (final !== undefined) notes.push('FINAL was called with an empty answer; call it with the full answer text.');
      const failed = reports.length === 0 || reports.every((r) => r.error);
      consecutiveErrors = failed ? consecutiveErrors + 1 : 0;
      messages.push({ role: 'user', content: executionMessage(reports, notes, iterations, settings, budget.subCalls, variables) });
    }

    if (answer !== undefined) return outcome({ answer, stopReason: 'final' });
    if (!stop) stop = { reason: 'max_iterations', detail: 'stopped' };
    if (stop.reason === 'cancelled') return outcome({ answer: '', stopReason: stop.reason, detail: stop.detail });

    // One last turn for the best answer now, with no sub-calls and its own short deadline.
    closing = true;
    const grace = AbortSignal.any([AbortSignal.timeout(Math.min(LAST_TURN_GRACE_MS, limits.timeoutMs)), ...(tree.options.signal ? [tree.options.signal] : [])]);
    messages.push({ role: 'user', content: lastTurnMessage(stop.detail) });
    try {
      const reply = await turn(grace);
      const { final } = await runCode(reply.text, grace);
      // Only FINAL gives an answer: prose such as "I am still looking…" is not one.
      if (final?.trim()) return outcome({ answer: final, stopReason: stop.reason, detail: stop.detail });
      return outcome({ answer: '', stopReason: stop.reason, detail: `${stop.detail}; the last turn did not call FINAL` });
    } catch (e) {
      return outcome({ answer: '', stopReason: stop.reason, detail: `${stop.detail}; the last turn failed too: ${errorMessage(e)}` });
    }
  } finally {
    unbind?.();
    // A session's sandbox outlives the run (the session disposes it); a run's own sandbox ends with it.
    if (!p.shared) await bound.dispose().catch(() => undefined);
  }
}

/** The ablation without sub-calls: the same names, each failing with a message the model can act on. */
function withoutSubCalls<T extends Record<string, unknown>>(fns: T): Record<keyof T, () => Promise<never>> {
  const refuse = (name: string) => async (): Promise<never> => {
    throw new Error(`${name} is not available in this run: sub-model calls are switched off. Use context.grep / context.read / context.outline and your own code, then FINAL.`);
  };
  return Object.fromEntries(Object.keys(fns).map((name) => [name, refuse(name)])) as Record<keyof T, () => Promise<never>>;
}

function emptyWorkspaceMessage(roots: string[]): string {
  return `no readable files in ${roots.join(', ')}: the folder is empty, or every file is ignored (.gitignore, excludes), binary, too large or secret-looking`;
}

/** A reply cut at the output cap (by the server, or by us): what to tell the model next turn. */
function replyCapNote(reply: ChatResponse, maxReplyTokens: number): string | undefined {
  const cap = replyCharCap(maxReplyTokens);
  if (reply.text.length <= cap && reply.finishReason !== 'length') return undefined;
  const size = reply.text.length > cap ? ` (${reply.text.length.toLocaleString('en-US')} characters; only the first ${cap.toLocaleString('en-US')} were kept and run)` : '';
  return `Your last reply hit the output cap of ${maxReplyTokens.toLocaleString('en-US')} tokens and was cut off${size}. Write shorter replies: one code block that does the work, with results kept in variables instead of printed or written out in the reply.`;
}

/** An answer beyond MAX_ANSWER_CHARS is cut, with a note saying so. */
function capAnswer(answer: string): string {
  if (answer.length <= MAX_ANSWER_CHARS) return answer;
  return `${answer.slice(0, MAX_ANSWER_CHARS)}\n\n[The answer was ${answer.length.toLocaleString('en-US')} characters long and was cut to the first ${MAX_ANSWER_CHARS.toLocaleString('en-US')}.]`;
}

async function callSubModel(
  tree: RunTree,
  c: { runId: string; parentId: string; prompt: string; model: string; signal: AbortSignal; tally: RunTally; batch?: SubCallEvent['batch'] },
): Promise<string> {
  // What leaves for the model has its secrets cut out; identical redacted prompts share one request.
  const prompt = tree.redactor.redact(c.prompt);
  const key = subCallKey(c.model, prompt);
  const started = Date.now();
  const NO_USAGE = { inputTokens: 0, outputTokens: 0 };
  const emit = (e: { response?: string; error?: string; model: string; usage: ChatResponse['usage']; costUsd?: number | null; cached: boolean }) =>
    tree.emit({ type: 'subcall', kind: 'llm_query', runId: c.runId, parentId: c.parentId, prompt: clip(prompt, MAX_EVENT_TEXT), durationMs: Date.now() - started, ...(c.batch ? { batch: c.batch } : {}), ...e });

  // Identical calls share one request, also while it is still in flight; only the first counts against the budget.
  let pending = tree.cache.get(key);
  const cached = pending !== undefined;
  if (!pending) {
    tree.budget.takeSubCall();
    c.tally.subCalls++;
    const signal = AbortSignal.any([c.signal, tree.signal]);
    pending = tree.scheduler.run((slot) =>
      tree.subModel.chat({
        messages: [
          { role: 'system', content: SUB_CALL_SYSTEM_PROMPT },
          { role: 'user', content: prompt },
        ],
        model: c.model,
        signal,
        maxOutputTokens: tree.limits.maxReplyTokens,
        beforeRetry: retryThroughScheduler(slot),
      }),
    );
    tree.cache.set(key, pending);
  }
  try {
    const r = await pending;
    const costUsd = cached ? 0 : tree.prices.cost(r, c.model);
    if (cached) tree.budget.cachedSubCalls++;
    else {
      tree.budget.addUsage(r.usage, costUsd);
      addUsage(c.tally, r.usage, costUsd);
    }
    const text = capSubReply(r.text, replyCharCap(tree.limits.maxReplyTokens));
    emit({ response: clip(text, MAX_EVENT_TEXT), model: r.model, usage: cached ? NO_USAGE : r.usage, costUsd, cached });
    return text;
  } catch (e) {
    tree.cache.delete(key);
    const message = errorMessage(e);
    emit({ error: message, model: c.model, usage: NO_USAGE, cached });
    throw new Error(`llm_query failed: ${message}`);
  }
}

/** A retry after a 429 narrows the shared limit and waits for room again; other retries keep their place. */
function retryThroughScheduler(slot: SchedulerSlot) {
  return (info: { error: { kind: string } }): Promise<void> | undefined => (info.error.kind === 'rate_limit' ? slot.rateLimited() : undefined);
}

/** A sub-call reply beyond the output cap (a server that ignored max_tokens) is cut, with a note for the code. */
function capSubReply(text: string, cap: number): string {
  return text.length <= cap ? text : `${text.slice(0, cap)}\n[... the reply was ${text.length.toLocaleString('en-US')} characters and was cut at ${cap.toLocaleString('en-US')}]`;
}

async function childRun(
  tree: RunTree,
  c: { runId: string; parentId: string; prompt: string; paths?: string[]; text?: string; parent: RunParams; parentSpec: WorkspaceSpec; signal: AbortSignal; tally: RunTally },
): Promise<string> {
  tree.budget.takeSubCall();
  c.tally.subCalls++;
  const subcallId = tree.id();
  const started = Date.now();
  // The child's question and text go to a model: secrets are cut out first (files it reads are redacted as it prints).
  c = { ...c, prompt: tree.redactor.redact(c.prompt), text: c.text === undefined ? undefined : tree.redactor.redact(c.text) };
  // The parent's spec carries its file index, so the child opens without rescanning the folders.
  const spec: WorkspaceSpec = c.text !== undefined
    ? { roots: c.parentSpec.roots, options: c.parentSpec.options, files: [], subsetPaths: ['input.txt'], virtualFiles: [{ path: 'input.txt', content: c.text }] }
    : { ...c.parentSpec, subsetPaths: c.paths?.length ? c.paths : c.parentSpec.subsetPaths };
  let outcome: RunOutcome | undefined;
  let error: string | undefined;
  try {
    outcome = await runOne(tree, {
      question: c.prompt,
      spec,
      depth: c.parent.depth + 1,
      model: tree.subModel,
      parentEventId: subcallId,
      scope: c.text !== undefined ? { textChars: c.text.length } : { paths: spec.subsetPaths },
    });
  } catch (e) {
    error = errorMessage(e);
  }
  const answer = outcome?.answer ? capAnswer(outcome.answer) : outcome?.answer;
  if (outcome) {
    // The child's spending is part of the parent's; its run_end and this sub-call's row show it.
    addUsage(c.tally, outcome.tally.usage, outcome.tally.cost.value);
    c.tally.subCalls += outcome.tally.subCalls;
    await endChildRun(tree, outcome, subcallId, spec);
  }
  if (!error && !answer) error = `the child run ended without an answer (${outcome?.stopReason}: ${outcome?.detail ?? ''})`;
  tree.emit({
    id: subcallId,
    type: 'subcall',
    kind: 'rlm_query',
    runId: c.runId,
    parentId: c.parentId,
    prompt: clip(c.prompt, MAX_EVENT_TEXT),
    response: answer ? clip(answer, MAX_EVENT_TEXT) : undefined,
    error,
    model: tree.subModel.model,
    // Already counted by the budget and the run account as the child's own turns and sub-calls: shown, not added.
    usage: outcome ? { ...outcome.tally.usage } : { inputTokens: 0, outputTokens: 0 },
    costUsd: outcome ? outcome.tally.cost.value : 0,
    durationMs: Date.now() - started,
    cached: false,
  });
  if (error) throw new Error(`rlm_query failed: ${error}`);
  return answer as string;
}

/** A finished child run's final (with its checked citations) and run_end, like the root run's. */
async function endChildRun(tree: RunTree, outcome: RunOutcome, subcallId: string, spec: WorkspaceSpec): Promise<void> {
  const answer = capAnswer(outcome.answer);
  if (answer) {
    // A text child cites input.txt, which is no file of the workspace: its citations are not checked against it.
    const citations = spec.virtualFiles?.length ? [] : await checkCitations(answer, spec.roots).catch(() => []);
    tree.emit({ type: 'final', runId: outcome.runId, parentId: subcallId, answer, citations });
  }
  tree.emit({
    type: 'run_end',
    runId: outcome.runId,
    parentId: outcome.runEventId,
    stopReason: outcome.stopReason,
    detail: outcome.detail,
    iterations: outcome.iterations,
    subCalls: outcome.tally.subCalls,
    usage: { ...outcome.tally.usage },
    costUsd: outcome.tally.cost.value,
    durationMs: Date.now() - outcome.tally.startedAt,
  });
}

interface ChildTask {
  prompt: string;
  paths?: string[];
  text?: string;
}

/** An rlm_query / rlm_batch task from sandbox arguments. */
function childTask(prompt: unknown, opts: unknown, where: string): ChildTask {
  if (typeof prompt !== 'string') throw new Error(`${where}: the prompt must be a string, got ${typeof prompt}`);
  const o = (opts ?? {}) as { paths?: unknown; text?: unknown };
  const paths = Array.isArray(o.paths) ? o.paths.filter((x): x is string => typeof x === 'string') : typeof o.paths === 'string' ? [o.paths] : undefined;
  const text = typeof o.text === 'string' ? o.text : undefined;
  return { prompt, paths, text };
}

/** Identical sub-calls share one request: the cache key. */
function subCallKey(model: string, prompt: string): string {
  return JSON.stringify([model, prompt]);
}

/** Below maxDepth, rlm_query becomes one llm_query carrying the text (or the files' text) it was pointed at. */
async function degradedRlmQuery(
  prompt: string,
  paths: string[] | undefined,
  text: string | undefined,
  spec: WorkspaceSpec,
  signal: AbortSignal,
  subCall: (prompt: unknown, opts: unknown, signal: AbortSignal) => Promise<string>,
): Promise<string> {
  let material = text ?? '';
  if (!material && paths?.length) {
    // Same index (no rescan), ignore and secret rules as the sandbox's context: open the subset and read it, numbered.
    const ws = await openWorkspace({ ...spec, subsetPaths: paths });
    for (const f of ws.files()) {
      if (material.length >= MAX_DEGRADED_CONTEXT_CHARS || signal.aborted) break;
      const r = await ws.read(f.path).catch(() => undefined);
      if (!r) continue;
      const numbered = r.text.split('\n').map((l, i) => `${r.startLine + i}| ${l}`).join('\n');
      material += `\n\nFile ${f.path}:\n${numbered}`;
    }
  }
  const full = material ? `${prompt}\n\n---\n${material.slice(0, MAX_DEGRADED_CONTEXT_CHARS)}` : prompt;
  return subCall(full, undefined, signal);
}
