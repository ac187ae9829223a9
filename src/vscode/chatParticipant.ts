// @rlm in the chat view: the model the user picked in the chat (request.model) runs the RLM by default;
// progress streams per iteration and sub-call, files read become references, the answer comes as markdown
// with anchors for its citations, plus a button to open the trajectory and followups.
import * as vscode from 'vscode';
import type { FocusItem } from '../rlm/types';
import { startAsk, type AskServices } from './ask';
import { workspaceRelativePath } from './questionBox';
import { splitByCitations } from '../rlm/citationGrammar';
import { ConfigurationError } from './providers';
import { readSettings } from './settings';
import { citationUri } from './workspaceSpec';
import { SettledSteps } from '../rlm/progressSteps';
import { accountOf, formatFooter } from '../rlm/runAccount';
import { chatSessionId, PARTICIPANT_ID } from './chatSession';

export { PARTICIPANT_ID } from './chatSession';
/** Cap on reference entries per answer (evidence can name hundreds of files). */
const MAX_REFERENCES = 30;
const FOCUS_TEXT_MAX = 4000;

export interface RlmChatResultMetadata {
  runId?: string;
  stopReason?: string;
  question: string;
  citedPaths?: string[];
  /** The conversation's session: the next @rlm question in this chat continues it. */
  session?: string;
}

/** #file and selection references -> the question's focus. */
export async function focusFromReferences(references: readonly vscode.ChatPromptReference[]): Promise<FocusItem[]> {
  const focus: FocusItem[] = [];
  for (const ref of references) {
    const value = ref.value;
    if (value instanceof vscode.Uri) {
      focus.push({ path: workspaceRelativePath(value) });
    } else if (value instanceof vscode.Location) {
      const item: FocusItem = { path: workspaceRelativePath(value.uri), startLine: value.range.start.line + 1, endLine: value.range.end.line + 1 };
      try {
        const doc = await vscode.workspace.openTextDocument(value.uri);
        const text = doc.getText(value.range);
        if (text && text.length <= FOCUS_TEXT_MAX) item.text = text;
      } catch {
        // the location stays useful without its text
      }
      focus.push(item);
    }
  }
  return focus;
}

/** Streams the answer: plain markdown between citations, an anchor for each citation that resolves. */
export function streamAnswer(stream: vscode.ChatResponseStream, answer: string): string[] {
  const cited: string[] = [];
  for (const piece of splitByCitations(answer)) {
    if (piece.kind === 'text') {
      stream.markdown(piece.text);
      continue;
    }
    const { span } = piece;
    const uri = citationUri(span.path);
    if (!uri) {
      stream.markdown(span.text);
      continue;
    }
    const range = new vscode.Range(span.line - 1, 0, (span.endLine ?? span.line) - 1, 0);
    stream.anchor(new vscode.Location(uri, range), span.text);
    cited.push(span.path);
  }
  return cited;
}

export function createChatHandler(services: AskServices): vscode.ChatRequestHandler {
  return async (request, context, stream, token): Promise<vscode.ChatResult> => {
    const question = request.prompt.trim();
    if (!question) {
      stream.markdown('Ask a question about this workspace, for example `@rlm where is the config file parsed?`');
      return { metadata: { question } satisfies RlmChatResultMetadata };
    }
    const settings = readSettings();
    // The chat's picked model, unless the user chose a specific provider for RLM.
    const chatModel = settings.provider === 'auto' || settings.provider === 'vscode-lm' ? request.model : undefined;
    const focus = await focusFromReferences(request.references);
    const session = chatSessionId(context.history);
    let started;
    try {
      started = await startAsk(services, { question, origin: 'chat', focus, chatModel, token, session });
    } catch (error) {
      if (error instanceof ConfigurationError) {
        stream.markdown(error.message);
        for (const action of error.actions) stream.button({ command: action.command, title: action.title, arguments: action.args });
        return { errorDetails: { message: error.message }, metadata: { question, session } satisfies RlmChatResultMetadata };
      }
      throw error;
    }
    const { run } = started;
    // The same step texts as the CLI and the notification; a step that counts up shows when it starts and ends.
    const steps = new SettledSteps({ announceFirst: true });
    const referenced = new Set<string>();
    const off = run.onEvent((event) => {
      for (const step of steps.push(event)) stream.progress(step.text);
      if (event.type === 'evidence' && referenced.size < MAX_REFERENCES && !referenced.has(event.path)) {
        const uri = citationUri(event.path);
        if (uri) {
          referenced.add(event.path);
          stream.reference(uri);
        }
      }
    });
    try {
      await started.result.catch(() => undefined);
    } finally {
      off();
    }
    for (const step of steps.flush()) stream.progress(step.text);
    const trajectoryButton = { command: 'rlm.showTrajectory', title: 'Show trajectory', arguments: [run.id] };
    if (!run.result) {
      stream.markdown(`RLM failed: ${run.error ?? 'unknown error'}`);
      stream.button(trajectoryButton);
      return { errorDetails: { message: run.error ?? 'RLM failed' }, metadata: { runId: run.id, question, session } satisfies RlmChatResultMetadata };
    }
    const result = run.result;
    if (result.stopReason === 'cancelled') {
      stream.markdown('Cancelled.');
      return { metadata: { runId: run.id, stopReason: result.stopReason, question, session } satisfies RlmChatResultMetadata };
    }
    // Only FINAL gives an answer: a run that ended without one says why instead.
    const citedPaths = result.answer ? streamAnswer(stream, result.answer) : [];
    if (!result.answer) stream.markdown(`No answer: ${result.detail ?? result.stopReason}.`);
    else if (result.stopReason !== 'final') stream.markdown(`\n\n_${result.detail ?? `Stopped: ${result.stopReason}`} (best-effort answer)._`);
    stream.markdown(`\n\n_${formatFooter(accountOf(run.events))}_`);
    stream.button(trajectoryButton);
    return { metadata: { runId: run.id, stopReason: result.stopReason, question, citedPaths: [...new Set(citedPaths)], session } satisfies RlmChatResultMetadata };
  };
}

export const followupProvider: vscode.ChatFollowupProvider = {
  provideFollowups(result) {
    const metadata = result.metadata as RlmChatResultMetadata | undefined;
    if (!metadata?.runId || metadata.stopReason === 'cancelled') return [];
    const followups: vscode.ChatFollowup[] = [];
    const first = metadata.citedPaths?.[0];
    // Real follow-ups: asked in this conversation, they run in its session (the sandbox and the answer carry over).
    if (first) followups.push({ prompt: `Explain how ${first} works and what depends on it.`, label: `Explain ${first}` });
    followups.push({ prompt: 'Where is what you just described tested?', label: 'Where is this tested?' });
    if (metadata.stopReason && metadata.stopReason !== 'final') {
      followups.push({ prompt: `Continue from what you found so far and answer: ${metadata.question}`, label: 'Continue' });
    }
    return followups;
  },
};
