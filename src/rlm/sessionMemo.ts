// What a session's follow-up tells the model in its first message: the earlier questions and answers (newest
// first, within a size cap), the variables still defined in the sandbox, or that the sandbox was lost.
import type { Citation, StopReason } from './events';
import type { SandboxVariableInfo } from './sandbox/protocol';

/** One answered (or unanswered) question of a session, as the transcript keeps it. */
export interface TranscriptEntry {
  turn: number;
  question: string;
  answer: string;
  stopReason: StopReason;
  detail?: string;
  citations: Citation[];
}

/** A variable the model's code left in the sandbox, described in a few words ("array(12)", "string (40 chars)"). */

/** The sandbox the follow-up starts in. */
export type SandboxState =
  | { kind: 'live'; variables: SandboxVariableInfo[] }
  /** Dropped (idle, memory, too many sessions) or stopped between questions: only the transcript is left. */
  | { kind: 'dropped'; reason: string };

/** Characters of earlier questions and answers the memo carries at most. */
export const MEMO_TRANSCRIPT_CHARS = 8_000;
/** The newest answer may take this much of it; older ones less, so several fit. */
const NEWEST_ANSWER_CHARS = 4_000;
const OLDER_ANSWER_CHARS = 1_500;
const MAX_VARIABLES = 40;

function clipped(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${(text.length - max).toLocaleString('en-US')} more characters]`;
}

function entryText(e: TranscriptEntry, answerChars: number): string {
  const cited = e.citations.filter((c) => c.valid).map((c) => `${c.path}:${c.line}${c.endLine && c.endLine !== c.line ? `-${c.endLine}` : ''}`);
  const answer = e.answer.trim()
    ? clipped(e.answer.trim(), answerChars)
    : `(no answer: the run stopped with ${e.stopReason}${e.detail ? ` — ${e.detail}` : ''})`;
  return [`### Question ${e.turn}: ${clipped(e.question.trim(), 500)}`, answer, cited.length ? `Cited: ${[...new Set(cited)].slice(0, 20).join(', ')}` : '']
    .filter(Boolean)
    .join('\n');
}

/** The transcript part, newest first; older entries that do not fit are counted, not shown. */
export function transcriptText(entries: TranscriptEntry[], cap = MEMO_TRANSCRIPT_CHARS): string {
  const parts: string[] = [];
  let used = 0;
  let omitted = 0;
  const newestFirst = [...entries].reverse();
  for (const [i, e] of newestFirst.entries()) {
    const text = entryText(e, i === 0 ? NEWEST_ANSWER_CHARS : OLDER_ANSWER_CHARS);
    if (used + text.length > cap && parts.length) {
      omitted = newestFirst.length - i;
      break;
    }
    parts.push(text);
    used += text.length;
  }
  if (omitted) parts.push(`(${omitted} earlier question${omitted === 1 ? '' : 's'} omitted to keep this short.)`);
  return parts.join('\n\n');
}

function variablesText(variables: SandboxVariableInfo[]): string {
  if (!variables.length) return 'The sandbox is the same live one as before, but no variables of your own are defined in it.';
  const shown = variables.slice(0, MAX_VARIABLES).map((v) => `- ${v.name}: ${v.type}${v.size ? `, ${v.size}` : ''}`);
  const more = variables.length > MAX_VARIABLES ? `\n- … and ${variables.length - MAX_VARIABLES} more (list them with Object.keys(globalThis))` : '';
  return `The sandbox is the same live one as before: these variables from earlier questions are still defined. Reuse them (print a slice first) instead of searching again:\n${shown.join('\n')}${more}`;
}

/** The memo for the first message of question `turn` (empty for a session's first question). */
export function sessionMemo(entries: TranscriptEntry[], sandbox: SandboxState): string {
  if (!entries.length) return '';
  const lines = [`This is a follow-up: question ${entries.length + 1} of a conversation. Earlier questions and their answers, newest first:`, '', transcriptText(entries), ''];
  if (sandbox.kind === 'live') lines.push(variablesText(sandbox.variables));
  else {
    lines.push(
      `The sandbox of the earlier questions is gone (${sandbox.reason}): this is a fresh sandbox and none of their variables exist. ` +
        'Only the answers above remain: rely on them, and re-run the searches you need with code.',
    );
  }
  return lines.join('\n');
}
