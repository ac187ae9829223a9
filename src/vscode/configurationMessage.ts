// A setup problem shown as a message whose buttons fix it in one step.
import * as vscode from 'vscode';
import type { ConfigurationError } from './providers';

export async function showConfigurationError(error: ConfigurationError): Promise<void> {
  const choice = await vscode.window.showWarningMessage(`RLM: ${error.message}`, ...error.actions.map((a) => a.title));
  const action = error.actions.find((a) => a.title === choice);
  if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
}
