// The question box of "RLM: Ask about workspace": type a question or pick a recent one; the editor selection
// is offered as the question's focus. Light (vscode only), so extension.ts shows it before loading the rest:
// a user typing right after choosing the command loses no keystrokes to a module load.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FocusItem } from '../rlm/types';

const RECENT_KEY = 'rlm.recentQuestions';
const RECENT_MAX = 10;
/** Selected text up to this size travels with the focus. */
const FOCUS_TEXT_MAX = 4000;

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
export async function askForQuestion(state: vscode.Memento, focus: FocusItem | undefined): Promise<{ question: string; useFocus: boolean } | undefined> {
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

export async function rememberQuestion(state: vscode.Memento, question: string): Promise<void> {
  const recent = state.get<string[]>(RECENT_KEY, []).filter((q) => q !== question);
  await state.update(RECENT_KEY, [question, ...recent].slice(0, RECENT_MAX));
}
