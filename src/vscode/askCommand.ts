// "RLM: Ask about workspace": a quick input remembering recent questions (the current selection offered as
// focus), a cancellable progress notification showing the current step, and the answer panel, whose follow-up
// box asks the next questions of the conversation.
import * as vscode from 'vscode';
import type { FocusItem, RunResult } from '../rlm/types';
import type { LiveRun } from '../rlm/liveRun';
import { AnswerPanel, type FollowUpAsker } from './answerPanel';
import { startAsk, type AskServices, type StartedAsk } from './ask';
import { LiveSteps } from './liveSteps';
import { showConfigurationError } from './configurationMessage';
import { ConfigurationError } from './providers';
import { askForQuestion, rememberQuestion, selectionFocus } from './questionBox';
import { indexingStep } from '../rlm/progressSteps';

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

let conversations = 0;

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
  // Each palette question starts a conversation; the answer panel's follow-ups join it.
  const session = `conversation-${Date.now().toString(36)}-${(++conversations).toString(36)}`;
  try {
    started = await startAsk(services, { question, origin: 'palette', focus, session });
  } catch (error) {
    if (error instanceof ConfigurationError) {
      void showConfigurationError(error);
      return { runId: '', error: error.message };
    }
    throw error;
  }
  const { run } = started;
  if (services.extensionUri && services.placement) AnswerPanel.show(services.extensionUri, services.placement, run, { session, askFollowUp: followUpAsker(services, session) });
  await withStepProgress(started);
  return reportOutcome(run);
}

/** The answer panel's follow-up box: the next question, with its own progress notification. */
function followUpAsker(services: AskServices, session: string): FollowUpAsker {
  return async (question) => {
    let started: StartedAsk;
    try {
      started = await startAsk(services, { question, origin: 'palette', session });
    } catch (error) {
      if (error instanceof ConfigurationError) void showConfigurationError(error);
      else void vscode.window.showErrorMessage(`RLM: ${services.redactor.redact(error instanceof Error ? error.message : String(error))}`);
      return undefined;
    }
    void withStepProgress(started).then(() => reportOutcome(started.run));
    return started.run;
  };
}

/** A cancellable notification that shows what the run is doing now (the step texts of the answer panel). */
async function withStepProgress(started: StartedAsk): Promise<void> {
  const { run } = started;
  const steps = new LiveSteps();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'RLM', cancellable: true },
    async (report, token) => {
      token.onCancellationRequested(() => run.cancel());
      report.report({ message: indexingStep((vscode.workspace.workspaceFolders ?? []).map((f) => f.name)).text });
      const off = run.onEvent((event) => {
        if (steps.update(event)) report.report({ message: `${steps.current} (step ${steps.count})` });
      });
      try {
        await started.result.catch(() => undefined);
      } finally {
        off();
      }
    },
  );
}

/** Errors and model failures as messages with the action that fixes them; the result for callers and tests. */
function reportOutcome(run: LiveRun): AskCommandResult {
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
