// Which session an @rlm request continues: the one named by the latest @rlm answer in the chat's history, or a new
// one (a new conversation has no @rlm answer in its history). Types only from vscode: unit-tested in node.
import type * as vscode from 'vscode';

/** The chat participant's id (package.json contributes.chatParticipants). */
export const PARTICIPANT_ID = 'rlm-vscode.rlm';

let chatSessions = 0;

export function chatSessionId(history: vscode.ChatContext['history']): string {
  for (let i = history.length - 1; i >= 0; i--) {
    // A response turn is told apart by its result (request turns have none), not by instanceof: the class a turn
    // was made from need not be this extension's copy of the API.
    const turn = history[i] as Partial<vscode.ChatResponseTurn>;
    if (turn.participant !== PARTICIPANT_ID || !turn.result) continue;
    const session = (turn.result.metadata as { session?: unknown } | undefined)?.session;
    if (typeof session === 'string' && session) return session;
  }
  return `chat-${Date.now().toString(36)}-${(++chatSessions).toString(36)}`;
}
