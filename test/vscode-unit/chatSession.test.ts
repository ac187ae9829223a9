// @rlm conversations: the chat history names the session a request continues.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { chatSessionId, PARTICIPANT_ID } from '../../src/vscode/chatSession';

const request = (prompt: string) => ({ prompt, participant: PARTICIPANT_ID, references: [], toolReferences: [], command: undefined });
const response = (session: string | undefined, participant = PARTICIPANT_ID) => ({ participant, response: [], result: { metadata: { session } } });
const history = (...turns: object[]) => turns as unknown as vscode.ChatContext['history'];

test('a follow-up continues the session the latest @rlm answer in its chat names', () => {
  assert.equal(chatSessionId(history(request('a'), response('chat-1'), request('b'), response('chat-2'))), 'chat-2');
  // Another participant's answer, or an answer without a session (an error), does not end the conversation.
  assert.equal(chatSessionId(history(request('a'), response('chat-1'), request('x'), response('other', 'someone.else'), response(undefined))), 'chat-1');
});

test('a new conversation (no @rlm answer in its history) gets a new session each time', () => {
  const a = chatSessionId(history());
  const b = chatSessionId(history(request('only a question')));
  assert.match(a, /^chat-/);
  assert.notEqual(a, b);
});
