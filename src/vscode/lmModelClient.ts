// The engine's ModelClient on top of vscode.lm (the user's Copilot models, or the model picked in the chat).
// vscode.lm has no system role and reports no token usage: the system prompt goes first as a user message,
// and usage is counted with the model's own countTokens.
import * as vscode from 'vscode';
import { ModelError, type ChatRequest, type ChatResponse, type ModelClient } from '../rlm/models/types';

function toLmMessages(messages: ChatRequest['messages']): vscode.LanguageModelChatMessage[] {
  const out: vscode.LanguageModelChatMessage[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') out.push(vscode.LanguageModelChatMessage.Assistant(m.content));
    else if (m.role === 'system') out.push(vscode.LanguageModelChatMessage.User(`[Instructions]\n${m.content}`));
    else out.push(vscode.LanguageModelChatMessage.User(m.content));
  }
  return out;
}

export function toModelError(error: unknown, aborted: boolean): ModelError {
  if (error instanceof ModelError) return error;
  if (aborted || error instanceof vscode.CancellationError) return new ModelError('The request was cancelled.', 'aborted');
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof vscode.LanguageModelError) {
    const code = error.code;
    if (code === vscode.LanguageModelError.NoPermissions.name) return new ModelError(`No permission to use this language model: ${message}`, 'auth');
    if (code === vscode.LanguageModelError.NotFound.name) return new ModelError(`Language model not found: ${message}`, 'not_found');
    if (code === vscode.LanguageModelError.Blocked.name) return new ModelError(`Language model request blocked (quota or policy): ${message}`, 'rate_limit');
  }
  return new ModelError(`Language model request failed: ${message}`, 'server');
}

/** Resolves another vscode.lm model by id or family (for a request's `model` override, e.g. the sub-model). */
export type LmModelLookup = (idOrFamily: string) => Promise<vscode.LanguageModelChat | undefined>;

export const lookupLmModel: LmModelLookup = async (idOrFamily) => {
  const byId = await vscode.lm.selectChatModels({ id: idOrFamily });
  if (byId.length) return byId[0];
  const byFamily = await vscode.lm.selectChatModels({ family: idOrFamily });
  return byFamily[0];
};

export class LmModelClient implements ModelClient {
  readonly provider = 'vscode-lm';

  constructor(
    private readonly chatModel: vscode.LanguageModelChat,
    private readonly lookup: LmModelLookup = lookupLmModel,
  ) {}

  get model(): string {
    return this.chatModel.id;
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    let target = this.chatModel;
    if (request.model && request.model !== this.chatModel.id) {
      const other = await this.lookup(request.model);
      if (!other) throw new ModelError(`Language model "${request.model}" is not available in VS Code.`, 'not_found');
      target = other;
    }
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    if (request.signal?.aborted) throw new ModelError('The request was cancelled.', 'aborted');
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const messages = toLmMessages(request.messages);
    try {
      const options: vscode.LanguageModelChatRequestOptions = {
        justification: 'RLM explores your workspace with this model to answer your question.',
      };
      if (request.maxOutputTokens || request.temperature !== undefined) {
        options.modelOptions = {
          ...(request.maxOutputTokens ? { max_tokens: request.maxOutputTokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        };
      }
      const response = await target.sendRequest(messages, options, cancel.token);
      let text = '';
      for await (const delta of response.text) {
        text += delta;
        request.onText?.(delta);
      }
      if (request.signal?.aborted) throw new ModelError('The request was cancelled.', 'aborted');
      const counts = await Promise.all([...messages.map((m) => target.countTokens(m, cancel.token)), target.countTokens(text, cancel.token)]);
      const outputTokens = counts.pop() ?? 0;
      const inputTokens = counts.reduce((a, b) => a + b, 0);
      return { text, usage: { inputTokens, outputTokens }, model: target.id, finishReason: 'stop' };
    } catch (error) {
      throw toModelError(error, request.signal?.aborted === true);
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }
}
