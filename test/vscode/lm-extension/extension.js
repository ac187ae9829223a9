// A vscode.lm chat model provider backed by the scripted OpenAI-protocol server (test only).
// Token counts are chars/4: enough for RLM's countTokens-based usage accounting to be checked.
const vscode = require('vscode');

const MODEL = {
  id: 'rlm-test-model',
  name: 'RLM Test Model',
  family: 'rlm-test',
  version: '1',
  maxInputTokens: 128000,
  maxOutputTokens: 8000,
  tooltip: 'Scripted model for RLM tests',
  detail: 'scripted',
  isUserSelectable: true,
  // toolCalling: the chat view's default Agent mode lists only models that can call tools.
  capabilities: { toolCalling: true, imageInput: false },
};

function textOf(message) {
  const parts = Array.isArray(message.content) ? message.content : [message.content];
  return parts.map((p) => (typeof p === 'string' ? p : p && typeof p.value === 'string' ? p.value : '')).join('');
}

function activate(context) {
  const provider = {
    provideLanguageModelChatInformation() {
      return [MODEL];
    },
    async provideLanguageModelChatResponse(model, messages, _options, progress, token) {
      const baseUrl = vscode.workspace.getConfiguration('rlmTestLm').get('baseUrl');
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const response = await fetch(`${baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
          body: JSON.stringify({
            model: model.id,
            stream: false,
            messages: messages.map((m) => ({ role: m.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'user', content: textOf(m) })),
          }),
          signal: controller.signal,
        });
        if (!response.ok) throw new Error(`scripted server answered ${response.status}`);
        const body = await response.json();
        progress.report(new vscode.LanguageModelTextPart(body.choices[0].message.content));
      } finally {
        sub.dispose();
      }
    },
    provideTokenCount(_model, text) {
      const s = typeof text === 'string' ? text : textOf(text);
      return Math.ceil(s.length / 4);
    },
  };
  context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider('rlm-test', provider));
}

module.exports = { activate, deactivate() {} };
