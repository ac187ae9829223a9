// "RLM: Ask about workspace": a quick input remembering recent questions (the current selection offered as
// focus), a cancellable progress notification counting iterations and sub-calls, and the answer panel.
import * as vscode from 'vscode';
import type { FocusItem, RunResult } from '../rlm/types';
import { AnswerPanel } from './answerPanel';
import { RunProgress, startAsk, type AskServices } from './ask';
import { showConfigurationError } from './configurationMessage';
import { ConfigurationError } from './providers';
import { askForQuestion, rememberQuestion, selectionFocus } from './questionBox';

export interface AskCommandArgs {
  question?: string;
  /** Use the active editor's selection as focus (default true when asking interactively). */
  useSelection?: boolean;
  focus?: FocusItem[];
}

export interface AskCommandResult {
  runId: string;
  answer?: string;
  stopReason?: string;
  citations?: RunResult['citations'];
  error?: string;
}

export async function askWorkspaceCommand(services: AskServices, state: vscode.Memento, args?: AskCommandArgs): Promise<AskCommandResult | undefined> {
  const selection = args?.useSelection === false ? undefined : selectionFocus(vscode.window.activeTextEditor);
  let question = args?.question?.trim();
  let focus = args?.focus ?? (selection ? [selection] : undefined);
  if (!question) {
    const asked = await askForQuestion(state, selection);
    if (!asked) return undefined;
    question = asked.question;
    if (!asked.useFocus) focus = args?.focus;
  }
  await rememberQuestion(state, question);

  let started;
  try {
    started = await startAsk(services, { question, origin: 'palette', focus });
  } catch (error) {
    if (error instanceof ConfigurationError) {
      void showConfigurationError(error);
      return { runId: '', error: error.message };
    }
    throw error;
  }
  const { run } = started;
  new AnswerPanel(run);
  const progress = new RunProgress();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'RLM', cancellable: true },
    async (report, token) => {
      token.onCancellationRequested(() => run.cancel());
      report.report({ message: 'exploring the workspace…' });
      const off = run.onEvent((event) => {
        if (progress.update(event)) report.report({ message: progress.text });
      });
      try {
        await started.result.catch(() => undefined);
      } finally {
        off();
      }
    },
  );
  if (run.error) {
    void vscode.window.showErrorMessage(`RLM: ${run.error}`, 'Show Log').then((choice) => {
      if (choice) void vscode.commands.executeCommand('rlm.showLog');
    });
    return { runId: run.id, error: run.error };
  }
  const result = run.result!;
  if (result.stopReason === 'model_error') {
    // A model failure mid-run (key revoked, endpoint down): offer the fix, not just the text in the panel.
    const auth = /\b(401|403)\b|api key|unauthori[sz]ed|authentication/i.test(result.detail ?? '');
    const actions = auth ? ['Set API Key', 'Open Settings'] : ['Open Settings', 'Show Log'];
    void vscode.window.showErrorMessage(`RLM: the model failed: ${result.detail ?? 'unknown error'}`, ...actions).then((choice) => {
      if (choice === 'Set API Key') void vscode.commands.executeCommand('rlm.setApiKey');
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:rlm-vscode.rlm-vscode');
      if (choice === 'Show Log') void vscode.commands.executeCommand('rlm.showLog');
    });
  }
  return { runId: run.id, answer: result.answer, stopReason: result.stopReason, citations: result.citations };
}
