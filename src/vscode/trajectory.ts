// rlm.showTrajectory: until the trajectory panel (src/webview/) is wired in, the run's events are shown
// as JSON in an untitled document, live runs included (a snapshot at the time of the click).
import * as vscode from 'vscode';
import type { RunRegistry } from './runRegistry';

export async function showTrajectoryAsJson(registry: RunRegistry, runId?: string): Promise<vscode.TextDocument | undefined> {
  const run = runId ? registry.get(runId) : registry.last();
  if (!run) {
    void vscode.window.showInformationMessage(runId ? `RLM: run ${runId} is no longer available.` : 'RLM: no run yet. Ask a question first.');
    return undefined;
  }
  const content = JSON.stringify({ runId: run.id, question: run.question, done: run.done, result: run.result, error: run.error, events: run.events }, null, 2);
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  return doc;
}
