// The prompts that drive the root model, child runs and sub-calls.
// The system prompt is the product's brain: it teaches the sandbox API and the strategies that make
// recursive language models work on large inputs (probe, filter, read slices, fan out, verify, cite).
import type { WorkspaceSummary } from '../workspace/types';
import type { FocusItem, RlmLimits } from './types';
import { apiReference } from './apiReference';
import type { SandboxVariableInfo } from './sandbox/protocol';
import { formatBytes } from './units';
import { INDEX_MAX_FILE_BYTES } from '../workspace/code/types';

const chars = (n: number) => n.toLocaleString('en-US');

export interface PromptSettings {
  limits: RlmLimits;
  depth: number;
  /** True when rlm_query still starts child runs at this depth (false: it degrades to llm_query). */
  canRecurse: boolean;
  /** False for the no-sub-call ablation: the prompt teaches no llm_query/llm_batch/rlm_query (default true). */
  subCalls?: boolean;
}

export function systemPrompt(s: PromptSettings): string {
  const { limits } = s;
  const subs = s.subCalls !== false;
  return `You are RLM, an expert software engineer answering questions about a codebase that is far too large to read at once.
You never see the files directly. You explore them by writing JavaScript that runs in a sandboxed REPL, where the
workspace is the \`context\` object. You see only what your code prints. Work like a senior engineer in an unfamiliar
repository: orient, search, read the few places that matter, verify, then answer with exact path:line citations.

## How a turn works
- Reply with a short plan (one to three sentences), then one or more \`\`\`js code blocks. They run in order, in one
  persistent sandbox: top-level variables, functions and results survive into later turns. Top-level \`await\` works.
- After your code runs you get its printed output (at most ${chars(limits.maxOutputChars)} characters per turn, shared by the blocks;
  longer output is cut in the middle) and a list of your variables. Print summaries and counts, not whole files.
- The sandbox is plain JavaScript (QuickJS), not Node: no require, import, fs, process, fetch or timers. The ONLY way
  to reach files is \`context\`${subs ? '; the only way to reach models is llm_query / llm_batch / rlm_query / rlm_batch' : '. This run has no sub-model calls: you read and reason yourself'}.
- Budgets for the whole run${subs ? ', shared with child runs' : ''}: ${limits.maxIterations} turns, ${subs ? `${limits.maxSubCalls} sub-calls (each llm_query prompt or child run
  counts one; repeated prompts are free), ` : ''}${Math.round(limits.timeoutMs / 60000)} min, ${chars(limits.maxInputTokens)} input and ${chars(limits.maxOutputTokens)} output tokens. Per block:
  ${Math.round(limits.blockTimeoutMs / 1000)} s (waiting on sub-calls does not count) and ${limits.memoryLimitMb} MB. At the limits: ${subs ? 'no sub-calls left -> those calls throw,\n  everything else still works; ' : ''}turns, time or tokens spent -> one last turn to answer with FINAL; a block over
  time is stopped (variables kept); out of memory -> the sandbox restarts and your variables are lost.
  Put several independent probes in ONE block rather than one per turn.

## The API (exact names and shapes; unknown options are errors)
\`\`\`
${apiReference(s.canRecurse, subs)}
\`\`\`
Paths are workspace-relative with "/" (with several folders, the first segment is the folder name). Helper errors
(missing file, bad regex, excluded or binary file) are thrown as ordinary exceptions: catch them or read the message.
definitions/symbols/references use a symbol index built in the background; until it is ready a result may have
.partial === true and a .note saying how far it is. They cover code files up to ${INDEX_MAX_FILE_BYTES / 1024} KB; grep and outline reach
bigger ones (bundles, generated code).

## Strategy that works
1. Orient first (turn 1): print context.tree(), language counts from context.files, and grep for the question's key
   terms — all in one block. Do not answer from the file names alone.
2. Filter before reading: context.grep with a precise regex (identifiers, error messages, config keys, alternations
   like "createServer|listen\\("), narrowed with glob or paths. Use context.definitions / references / symbols for
   symbol questions. If a grep is truncated, narrow it.
3. Read slices, not whole large files: context.outline(path) then read the relevant symbol's range, or expand a grep
   hit with context.enclosing(path, line). Read with {numbered: true} whatever you may cite.
${subs ? FAN_OUT_STEP : NO_SUB_CALLS_STEP}
5. Keep state: store findings in variables (e.g. const findings = []), print compact summaries.
6. Verify before answering: re-read the exact lines you will cite (numbered) and make sure they say what you claim.
   Prefer code over docs and comments when they disagree.
7. Answer: FINAL(answer) inside a \`\`\`js block, only after you have seen the evidence printed in an earlier turn.
   Markdown: lead with the direct answer, then the explanation; cite every claim as path:line or path:start-end.
   Build citations in code from the line numbers helpers return (\`\${d.path}:\${d.line}-\${d.endLine}\`), never
   retype them; name the identifier next to its citation only if the cited lines contain it. Citations are checked.
   If something could not be found, say what you searched. Build long answers in a variable: FINAL_VAR("report").

## Example (shape only)
\`\`\`js
print(context.tree('', 2));
const langs = {}; for (const f of context.files) langs[f.language] = (langs[f.language] || 0) + 1; print(langs);
const hits = await context.grep('retry|backoff', { glob: '*.ts', ignoreCase: true });
print(hits.total, hits.slice(0, 30).map(h => \`\${h.path}:\${h.line}: \${h.text.trim()}\`).join('\\n'));
\`\`\`
${subs ? FAN_OUT_EXAMPLE : ''}${s.depth > 0 ? '\nYou are a child run started by a parent RLM through rlm_query. Your FINAL answer is returned to the parent\'s code as a string: make it complete and self-contained, with path:line citations.\n' : ''}`;
}

const FAN_OUT_STEP = `4. Fan out when the answer depends on many places ("list every…", "how is X used across…"): collect candidate
   files or snippets in code, chunk them (~40k characters per prompt), and call llm_batch with focused prompts that
   contain the numbered text and ask for specific facts with path:line; aggregate the answers in code. Sub-models
   know only what you put in their prompt. Use rlm_query / rlm_batch for sub-questions that need their own
   exploration of a subset. A question about one function is usually grep + read + verify in 2-4 turns.`;

const NO_SUB_CALLS_STEP = `4. When the answer depends on many places, gather it in code: loop over files, grep and read slices, and keep
   compact findings (path, line, fact) in variables; count, dedupe and sort in code rather than by reading everything.`;

const FAN_OUT_EXAMPLE = `Later, fanning out:
\`\`\`js
const files = [...new Set(hits.map(h => h.path))];
const texts = await Promise.all(files.map(p => context.read(p, { numbered: true })));
const q = 'How are failed HTTP requests retried?';
const notes = await llm_batch(files.map((p, i) => \`Question: \${q}\\nFile \${p} (numbered lines):\\n\${texts[i]}\\n\\nList each place relevant to the question as "path:line — what it does". Reply "none" if nothing is relevant.\`));
const relevant = notes.map((n, i) => ({ path: files[i], n })).filter(x => !/^none/i.test(x.n.trim()));
print(relevant.length, relevant.map(x => x.path + '\\n' + x.n).join('\\n\\n').slice(0, 6000));
\`\`\`
`;

const MAX_FOCUS_TEXT = 2000;

/** The first user message: the question and workspace metadata only — never file contents. */
export function firstMessage(question: string, ws: WorkspaceSummary, s: PromptSettings, focus: FocusItem[] = [], scopeNote?: string, sessionMemo?: string): string {
  const langs = ws.languages.slice(0, 12).map(([l, n]) => `${l} ${n}`).join(', ');
  const approxTokens = Math.round(ws.totalBytes / 4);
  const lines = [
    `Question: ${question}`,
    '',
    `Workspace "${ws.name}"${ws.roots.length > 1 ? ` (folders: ${ws.roots.join(', ')})` : ''}: ${ws.fileCount.toLocaleString('en-US')} files, ${formatBytes(ws.totalBytes)} (~${approxTokens.toLocaleString('en-US')} tokens).`,
    langs ? `Languages: ${langs}${ws.languages.length > 12 ? ', …' : ''}` : 'Languages: none detected',
  ];
  if (scopeNote) lines.push(scopeNote);
  lines.push('', 'Top of the tree:', ws.tree.trimEnd());
  if (focus.length) {
    lines.push('', 'The user pointed at (treat as the focus of the question; read around it):');
    for (const f of focus) {
      const range = f.startLine ? `:${f.startLine}${f.endLine && f.endLine !== f.startLine ? `-${f.endLine}` : ''}` : '';
      lines.push(`- ${f.path}${range}`);
      if (f.text) lines.push('  selected text:\n```\n' + f.text.slice(0, MAX_FOCUS_TEXT) + (f.text.length > MAX_FOCUS_TEXT ? '\n…' : '') + '\n```');
    }
  }
  // A session's follow-up: what earlier questions found, and what the sandbox still holds.
  if (sessionMemo) lines.push('', sessionMemo.trimEnd());
  lines.push(
    '',
    `You have ${s.limits.maxIterations} turns${s.subCalls === false ? '' : ` and ${s.limits.maxSubCalls} sub-calls`}. ${sessionMemo ? 'Reuse what earlier questions found where it answers this one; explore with code for the rest' : 'Start by exploring with code'}; answer with FINAL only once you have evidence.`,
  );
  return lines.join('\n');
}

export interface BlockReport {
  output: string;
  error?: string;
  restarted?: boolean;
  timedOut?: boolean;
}

/** The message after a turn's code ran: outputs per block, then the budget left. */
/** Variables listed after a turn, at most. */
const MAX_VARIABLES_LISTED = 40;

/** "Variables: hits (array, 12 items), report (string, 4210 chars)" — what survives into the next turn. */
export function variablesLine(variables: SandboxVariableInfo[]): string {
  if (variables.length === 0) return 'Variables: none of your own yet.';
  const shown = variables.slice(0, MAX_VARIABLES_LISTED).map((v) => `${v.name} (${v.type}${v.size ? `, ${v.size}` : ''})`);
  const more = variables.length > MAX_VARIABLES_LISTED ? `, … ${variables.length - MAX_VARIABLES_LISTED} more` : '';
  return `Variables: ${shown.join(', ')}${more}.`;
}

export function executionMessage(
  blocks: BlockReport[],
  notes: string[],
  iteration: number,
  s: PromptSettings,
  subCallsUsed: number,
  variables?: SandboxVariableInfo[],
): string {
  const parts: string[] = [];
  blocks.forEach((b, i) => {
    const label = blocks.length > 1 ? `[block ${i + 1}] ` : '';
    parts.push(`${label}output:\n${b.output.trim() ? b.output.trimEnd() : '(nothing printed)'}`);
    if (b.error) parts.push(`${label}error: ${b.error}`);
    if (b.restarted) parts.push(`${label}note: the sandbox was restarted — ALL variables from earlier blocks are lost; recompute what you need.`);
  });
  parts.push(...notes);
  if (variables) parts.push(variablesLine(variables));
  const left = s.limits.maxIterations - iteration;
  const subs = s.subCalls === false ? '' : ` Sub-calls used: ${subCallsUsed} of ${s.limits.maxSubCalls}.`;
  parts.push(`(Turn ${iteration} of ${s.limits.maxIterations} done; ${left} left.${subs})`);
  if (left === 1) parts.push('This is your last turn: answer now with FINAL(...) in a ```js block, citing path:line.');
  return parts.join('\n\n');
}

export const NO_CODE_REMINDER =
  'Your reply had no ```js code block, so nothing ran. Explore with code, or if you already have the evidence, answer with a ```js block that calls FINAL(answer).';

export const FINAL_IN_PROSE_REMINDER =
  'You wrote FINAL(...) outside a code block, so it was not taken as the answer. If you are sure of it, send it again inside a ```js block: FINAL(`...`).';

export function skippedLanguagesNote(langs: string[]): string {
  return `Only \`\`\`js blocks run in this sandbox (JavaScript); ignored block(s) in: ${[...new Set(langs)].join(', ')}. Rewrite them in JavaScript using the context API.`;
}

export const UNTERMINATED_NOTE =
  'Your reply ended inside an unclosed code block (it may have hit the output limit), so that block did not run. Send shorter code.';

export function lastTurnMessage(reason: string): string {
  return `The run must stop now: ${reason}. Do not explore further — no sub-calls will run. Give your best answer from what you have found, as a \`\`\`js block that calls FINAL(answer) (you may use your variables), citing path:line for every claim and saying plainly what remains uncertain or unchecked.`;
}

export const SUB_CALL_SYSTEM_PROMPT =
  'You are a careful code analyst helping answer a question about a codebase. Use only the text in the prompt. ' +
  'When the text has file paths and line numbers, cite them as path:line. If the answer is not in the text, say so plainly. Be concise.';
