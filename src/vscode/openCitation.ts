// rlm.openCitation: opens a workspace file at a cited line (and selects the cited range).
import * as vscode from 'vscode';
import { citationUri } from './workspaceSpec';

export interface CitationTarget {
  path: string;
  line: number;
  endLine?: number;
}

/** Opens in `column` (the extension passes one without an RLM panel). */
export async function openCitation(target: CitationTarget, column: vscode.ViewColumn = vscode.ViewColumn.One): Promise<vscode.TextEditor | undefined> {
  const uri = target && typeof target.path === 'string' ? citationUri(target.path) : undefined;
  if (!uri || !(target.line >= 1)) {
    void vscode.window.showWarningMessage(`RLM: cannot open citation ${target?.path}:${target?.line}`);
    return undefined;
  }
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    const last = Math.max(0, doc.lineCount - 1);
    const start = Math.min(target.line - 1, last);
    const end = Math.min((target.endLine ?? target.line) - 1, last);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preview: true });
    const position = new vscode.Position(start, 0);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(start, 0, end, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  } catch (error) {
    void vscode.window.showWarningMessage(`RLM: cannot open ${target.path}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
