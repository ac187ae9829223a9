// The three methods `rlm eval` compares on one item:
// - rlm: the product as `rlm ask` runs it;
// - rlm-no-sub: the paper's ablation, the same loop without llm_query / llm_batch / rlm_query;
// - direct: the paper's base-model baseline, the workspace's text (files with headers, numbered lines) in one
//   prompt, cut to --context-tokens, saying how much was cut.
import { checkCitations } from '../rlm/citations';
import { runRlm } from '../rlm/engine';
import type { TrajectoryEvent } from '../rlm/events';
import type { ModelClient } from '../rlm/models/types';
import { estimateTokens } from '../rlm/models/usage';
import type { PriceTable } from '../rlm/prices';
import type { Scheduler } from '../rlm/scheduler';
import type { RlmLimits, RunResult } from '../rlm/types';
import { openWorkspace } from '../workspace/workspace';
import type { WorkspaceSpec } from '../workspace/types';
import type { Method } from './types';

export interface MethodContext {
  model: ModelClient;
  subModel?: ModelClient;
  limits: Partial<RlmLimits>;
  prices: PriceTable;
  /** Shared by every item's run: --parallel items still share one sub-call concurrency limit. */
  scheduler: Scheduler;
  /** Context budget of `direct`, tokens. */
  contextTokens: number;
  signal: AbortSignal;
}

export type MethodResult = Pick<RunResult, 'answer' | 'stopReason' | 'detail' | 'iterations' | 'subCalls' | 'usage' | 'costUsd' | 'citations' | 'durationMs'>;

export async function runMethod(method: Method, question: string, workspace: WorkspaceSpec, ctx: MethodContext, onEvent: (e: TrajectoryEvent) => void): Promise<MethodResult> {
  if (method === 'direct') return runDirect(question, workspace, ctx, onEvent);
  return runRlm({
    question,
    workspace,
    model: ctx.model,
    subModel: ctx.subModel,
    limits: ctx.limits,
    prices: ctx.prices,
    scheduler: ctx.scheduler,
    signal: ctx.signal,
    subCalls: method !== 'rlm-no-sub',
    onEvent,
  });
}

export const DIRECT_SYSTEM_PROMPT =
  'You are an expert software engineer answering a question about a codebase. Its files are given in the message, ' +
  'each after a header line "=== path ===", with numbered lines ("42| text"). Answer from these files only; cite ' +
  'every claim as path:line or path:start-end. If the files shown do not contain the answer, say so and give your best answer.';

export interface DirectContext {
  text: string;
  /** Whole files shown, the file cut partway, files left out. */
  shown: number;
  cut: boolean;
  left: number;
  totalTokens: number;
}

/** Every file, in index order, with headers and numbered lines, until the token budget is spent. */
export async function directContext(workspace: WorkspaceSpec, budgetTokens: number, signal?: AbortSignal): Promise<DirectContext> {
  const ws = await openWorkspace(workspace);
  const files = ws.files();
  const parts: string[] = [];
  let used = 0;
  let totalTokens = 0;
  let shown = 0;
  let cut = false;
  for (const f of files) {
    if (signal?.aborted) throw new Error('cancelled');
    const body = await ws.read(f.path).then(
      (r) => r.text.split('\n').map((l, i) => `${r.startLine + i}| ${l}`).join('\n'),
      (e: Error) => `[not readable: ${e.message.split('\n')[0]}]`,
    );
    const block = `=== ${f.path} ===\n${body}\n`;
    const tokens = estimateTokens(block);
    totalTokens += tokens;
    if (used >= budgetTokens) continue;
    if (used + tokens <= budgetTokens) {
      parts.push(block);
      used += tokens;
      shown++;
    } else {
      // The file that crosses the budget is cut at a line end; the rest are left out.
      const room = (budgetTokens - used) * 4;
      parts.push(block.slice(0, Math.max(0, block.lastIndexOf('\n', room))) + '\n[… file cut here: the context budget is spent]\n');
      used = budgetTokens;
      cut = true;
    }
  }
  const left = files.length - shown - (cut ? 1 : 0);
  return { text: parts.join('\n'), shown, cut, left, totalTokens };
}

export function directPrompt(question: string, c: DirectContext, budgetTokens: number): string {
  const whole = c.shown + (c.cut ? 1 : 0) + c.left;
  const note = c.cut || c.left
    ? `[The workspace has ${whole} files, about ${c.totalTokens.toLocaleString('en-US')} tokens; only the first ${budgetTokens.toLocaleString('en-US')} tokens are shown: ${c.shown} files in full${c.cut ? ', 1 cut partway' : ''}, ${c.left} left out.]`
    : `[All ${whole} files of the workspace are shown, about ${c.totalTokens.toLocaleString('en-US')} tokens.]`;
  return `${c.text}\n${note}\n\nQuestion: ${question}`;
}

async function runDirect(question: string, workspace: WorkspaceSpec, ctx: MethodContext, onEvent: (e: TrajectoryEvent) => void): Promise<MethodResult> {
  const started = Date.now();
  const base = { runId: 'r0', time: started };
  onEvent({ ...base, id: 'e0', type: 'run_start', depth: 0, question, provider: ctx.model.provider, model: ctx.model.model, subModel: ctx.model.model, workspace: { name: workspace.roots[0].name, fileCount: 0, totalBytes: 0 }, limits: { contextTokens: ctx.contextTokens } });
  const context = await directContext(workspace, ctx.contextTokens, ctx.signal);
  const reply = await ctx.model.chat({
    messages: [
      { role: 'system', content: DIRECT_SYSTEM_PROMPT },
      { role: 'user', content: directPrompt(question, context, ctx.contextTokens) },
    ],
    signal: ctx.signal,
    maxOutputTokens: ctx.limits.maxReplyTokens,
  });
  const costUsd = ctx.prices.cost(reply, ctx.model.model);
  const durationMs = Date.now() - started;
  onEvent({ ...base, id: 'e1', parentId: 'e0', time: Date.now(), type: 'iteration', iteration: 1, response: reply.text, usage: reply.usage, costUsd, durationMs });
  const answer = reply.text.trim();
  const citations = answer ? await checkCitations(answer, workspace.roots) : [];
  if (answer) onEvent({ ...base, id: 'e2', time: Date.now(), type: 'final', answer, citations });
  const stopReason = answer ? 'final' : 'max_iterations';
  onEvent({ ...base, id: 'e3', time: Date.now(), type: 'run_end', stopReason, iterations: 1, subCalls: 0, usage: reply.usage, costUsd, durationMs });
  return { answer, stopReason, detail: answer ? undefined : 'the model replied with nothing', iterations: 1, subCalls: 0, usage: reply.usage, costUsd, citations, durationMs };
}
