// "RLM: Ask about workspace": a quick input remembering recent questions (the current selection offered as
// focus), a cancellable progress notification counting iterations and sub-calls, and the answer panel.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FocusItem, RunResult } from '../rlm/types';
import { AnswerPanel } from './answerPanel';
import { RunProgress, startAsk, type AskServices } from './ask';
import { showConfigurationError } from './configurationMessage';
import { ConfigurationError } from './providers';

const RECENT_KEY = 'rlm.recentQuestions';
const RECENT_MAX = 10;
/** Selected text up to this size travels with the focus. */
const FOCUS_TEXT_MAX = 4000;

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

export function workspaceRelativePath(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return uri.fsPath;
  const rel = path.posix.relative(folder.uri.path, uri.path);
  return (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? `${folder.name}/${rel}` : rel;
}

export function selectionFocus(editor: vscode.TextEditor | undefined): FocusItem | undefined {
  if (!editor || editor.selection.isEmpty) return undefined;
  const { start, end } = editor.selection;
  const text = editor.document.getText(editor.selection);
  return {
    path: workspaceRelativePath(editor.document.uri),
    startLine: start.line + 1,
    endLine: end.character === 0 && end.line > start.line ? end.line : end.line + 1,
    ...(text.length <= FOCUS_TEXT_MAX ? { text } : {}),
  };
}

const focusLabel = (f: FocusItem) => `${f.path}${f.startLine ? `:${f.startLine}${f.endLine && f.endLine !== f.startLine ? `-${f.endLine}` : ''}` : ''}`;

/** The question box: type a new question or pick a recent one; a button drops the selection focus. */
async function askForQuestion(state: vscode.Memento, focus: FocusItem | undefined): Promise<{ question: string; useFocus: boolean } | undefined> {
  const recent = state.get<string[]>(RECENT_KEY, []);
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
  pick.title = 'RLM: Ask about workspace';
  pick.placeholder = recent.length ? 'Ask a question about the workspace, or pick a recent one' : 'Ask a question about the workspace';
  pick.matchOnDescription = false;
  let useFocus = focus !== undefined;
  const dropFocus: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('close'), tooltip: 'Ask without the selection as focus' };
  const showFocus = () => {
    pick.title = useFocus && focus ? `RLM: Ask about workspace — focus: ${focusLabel(focus)}` : 'RLM: Ask about workspace';
    pick.buttons = useFocus && focus ? [dropFocus] : [];
  };
  showFocus();
  const recentItems = recent.map((q) => ({ label: q, description: 'recent' }));
  const update = () => {
    const typed = pick.value.trim();
    const askItem = typed ? [{ label: typed, description: 'Ask', alwaysShow: true }] : [];
    pick.items = [...askItem, ...recentItems.filter((r) => r.label !== typed)];
    if (askItem.length) pick.activeItems = [pick.items[0]];
  };
  update();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: { question: string; useFocus: boolean } | undefined) => {
      if (settled) return;
      settled = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidChangeValue(update);
    pick.onDidTriggerButton(() => {
      useFocus = false;
      showFocus();
    });
    pick.onDidAccept(() => {
      const question = (pick.selectedItems[0]?.label ?? pick.value).trim();
      if (question) finish({ question, useFocus });
    });
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
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
  const recent = state.get<string[]>(RECENT_KEY, []).filter((q) => q !== question);
  await state.update(RECENT_KEY, [question, ...recent].slice(0, RECENT_MAX));

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
