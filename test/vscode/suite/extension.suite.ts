// The extension, installed from its .vsix, exercised inside a real VS Code extension host (code-server):
// commands, the @rlm handler with a recording response stream, the tool, secrets and settings scoping.
// The model is the scripted OpenAI-protocol server on 127.0.0.1; the engine, sandbox and ripgrep are real.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RlmExtensionApi } from '../../../src/extension';
import type { AskCommandResult } from '../../../src/vscode/askCommand';
import { CHAT_FIRST, CHAT_SECOND, EXCLUDE_QUESTION, FOCUS_QUESTION, QUESTION, SLOW_QUESTION, TEST_API_KEY } from '../fixture.mjs';
import { testInfo } from './info';
import { recordingStream } from './recordingStream';
import { test } from './runner';

const TEST_KEY = TEST_API_KEY;
let api: RlmExtensionApi;

const wsUri = (rel: string) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, rel);

function chatRequest(prompt: string, references: vscode.ChatPromptReference[] = []): vscode.ChatRequest {
  return { prompt, command: undefined, references, toolReferences: [], toolInvocationToken: undefined as never, model: undefined as never } as vscode.ChatRequest;
}

async function ask(args: object): Promise<AskCommandResult> {
  const result = await vscode.commands.executeCommand<AskCommandResult | undefined>('rlm.askWorkspace', args);
  assert.ok(result, 'rlm.askWorkspace returned nothing');
  return result;
}

test('activates with its commands, chat participant and language model tool', async () => {
  const ext = vscode.extensions.getExtension<RlmExtensionApi>(testInfo.extensionId);
  assert.ok(ext, `extension ${testInfo.extensionId} is not installed`);
  api = await ext.activate();
  assert.equal(typeof api.chatHandler, 'function');
  console.log(`activation took ${api.activationMs.toFixed(2)} ms (activate() and module top level)`);
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['rlm.askWorkspace', 'rlm.setApiKey', 'rlm.clearApiKey', 'rlm.openCitation', 'rlm.showTrajectory', 'rlm.showLog']) {
    assert.ok(commands.includes(id), `command ${id} is not registered`);
  }
  assert.ok(vscode.lm.tools.some((t) => t.name === 'rlm_askWorkspace'), 'tool rlm_askWorkspace is not registered');
  const manifest = ext.packageJSON as { capabilities?: Record<string, { supported: unknown }>; contributes?: { chatParticipants?: { id: string }[] } };
  assert.equal(manifest.capabilities?.untrustedWorkspaces.supported, 'limited');
  assert.equal(manifest.capabilities?.virtualWorkspaces.supported, 'limited');
  assert.ok(manifest.contributes?.chatParticipants?.some((p) => p.id === 'rlm-vscode.rlm'));
  assert.equal(api.registry.list().length, 0, 'activation must not start any run');
});

test('machine-scoped settings ignore the workspace\'s own values', async () => {
  const settings = await api.settings();
  const inspected = vscode.workspace.getConfiguration('rlm').inspect<string>('openai.baseUrl');
  console.log(`rlm.openai.baseUrl inspect: ${JSON.stringify(inspected)}; VS Code get(): ${vscode.workspace.getConfiguration('rlm').get('openai.baseUrl')}`);
  assert.equal(settings.openaiBaseUrl, `${testInfo.serverUrl}/v1`, 'the user setting must win over the workspace value');
  assert.notEqual(settings.ripgrepPath, '/tmp/workspace-provided-rg');
  assert.equal(settings.includeSecretFiles, false, 'a workspace must not opt itself into reading secret files');
  // The workspace file really does try: without it this test would prove nothing.
  assert.match(readFileSync(path.join(testInfo.workspace, '.vscode', 'settings.json'), 'utf8'), /workspace-redirect/);
});

test('ripgrep: VS Code\'s own bundled rg is found', async () => {
  const rg = await api.ripgrep();
  console.log(`ripgrep: ${JSON.stringify(rg)} (appRoot ${vscode.env.appRoot})`);
  assert.ok(rg, 'no ripgrep found');
  assert.equal(rg.source, 'vscode');
  assert.ok(rg.path.startsWith(vscode.env.appRoot), `${rg.path} is not under ${vscode.env.appRoot}`);
  assert.ok(existsSync(rg.path));
});

test('"RLM: Set API Key" stores the key in SecretStorage, never in settings', async () => {
  assert.equal(await api.hasStoredKey('openai'), false);
  assert.equal(await vscode.commands.executeCommand('rlm.setApiKey', { key: TEST_KEY }), true);
  assert.equal(await api.hasStoredKey('openai'), true);
  assert.ok(!readFileSync(testInfo.userSettingsFile, 'utf8').includes(TEST_KEY), 'key leaked into user settings');
  assert.ok(!readFileSync(path.join(testInfo.workspace, '.vscode', 'settings.json'), 'utf8').includes(TEST_KEY), 'key leaked into workspace settings');
  assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('rlm')).includes(TEST_KEY));
});

let paletteRunId = '';
test('palette command: answers with verified path:line citations, live events in the registry', async () => {
  const result = await ask({ question: QUESTION, useSelection: false });
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.stopReason, 'final');
  assert.match(result.answer ?? '', /src\/greeting\.ts:7\b/);
  assert.ok(result.citations?.some((c) => c.path === 'src/greeting.ts' && c.line === 7 && c.valid), JSON.stringify(result.citations));
  const run = api.registry.get(result.runId);
  assert.ok(run?.done);
  const types = run.events.map((e) => e.type);
  assert.ok(types.filter((t) => t === 'iteration').length >= 2, types.join(','));
  assert.ok(types.includes('subcall') && types.includes('evidence') && types.includes('final'), types.join(','));
  assert.ok(!JSON.stringify(run.events).includes(TEST_KEY), 'the API key leaked into the trajectory');
  paletteRunId = result.runId;
});

test('rlm.openCitation opens the cited file at the cited line', async () => {
  await vscode.commands.executeCommand('rlm.openCitation', { path: 'src/greeting.ts', line: 7 });
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor);
  assert.equal(editor.document.uri.toString(), wsUri('src/greeting.ts').toString());
  assert.equal(editor.selection.active.line, 6);
  assert.match(editor.document.lineAt(6).text, /export function greet/);
});

test('the editor selection becomes the question\'s focus', async () => {
  const doc = await vscode.workspace.openTextDocument(wsUri('src/util/strings.ts'));
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(0, 0, 1, 10);
  const result = await ask({ question: FOCUS_QUESTION });
  assert.equal(result.answer, 'FOCUS-SEEN src/util/strings.ts:1');
  const without = await ask({ question: FOCUS_QUESTION, useSelection: false });
  assert.equal(without.answer, 'FOCUS-MISSING');
});

test('files.exclude is honoured: excluded files are not in the sandbox\'s context', async () => {
  const result = await ask({ question: EXCLUDE_QUESTION, useSelection: false });
  assert.match(result.answer ?? '', /src\/greeting\.ts/, 'positive control: a normal file is listed');
  assert.doesNotMatch(result.answer ?? '', /generated\//);
});

/** A chat turn as VS Code puts it in the next request's history (its constructor is not public API). */
function responseTurn(result: vscode.ChatResult): vscode.ChatResponseTurn {
  const Turn = vscode.ChatResponseTurn as unknown as new (response: unknown[], result: vscode.ChatResult, participant: string) => vscode.ChatResponseTurn;
  return new Turn([], result, 'rlm-vscode.rlm');
}

test('@rlm: two questions in one chat share a session: the second run reads the first one\'s variable', async () => {
  const token = new vscode.CancellationTokenSource().token;
  const first = (await api.chatHandler(chatRequest(CHAT_FIRST), { history: [] } as vscode.ChatContext, recordingStream().stream, token)) as vscode.ChatResult;
  const session = (first.metadata as { session?: string }).session;
  assert.ok(session, 'the answer names its session');
  const rec = recordingStream();
  const history = [responseTurn(first)];
  const second = (await api.chatHandler(chatRequest(CHAT_SECOND), { history } as vscode.ChatContext, rec.stream, token)) as vscode.ChatResult;
  const answerOf = (result: vscode.ChatResult) => api.registry.get((result.metadata as { runId: string }).runId)?.result?.answer;
  assert.equal(answerOf(second), 'CHAT-SESSION src/util/strings.ts:1', "the second run's sandbox had the first run's variable");
  assert.equal((second.metadata as { session?: string }).session, session);
  const markdown = rec.of('markdown').map((a) => String(a[0])).join('');
  // The footer is the run account's: the second run took one turn and no sub-calls.
  assert.match(markdown, /_1 turn · 0 sub-calls · [\d.k]+ in \/ [\d.k]+ out tokens · [\d.]+ m?s_/);
  // A new conversation (empty history) starts a new session: the variable is not there.
  const fresh = (await api.chatHandler(chatRequest(CHAT_SECOND), { history: [] } as vscode.ChatContext, recordingStream().stream, token)) as vscode.ChatResult;
  assert.equal(answerOf(fresh), 'CHAT-NO-SESSION');
});

test('@rlm handler streams progress, anchors, references, markdown and a trajectory button', async () => {
  const rec = recordingStream();
  const cts = new vscode.CancellationTokenSource();
  const result = (await api.chatHandler(chatRequest(QUESTION), { history: [] } as vscode.ChatContext, rec.stream, cts.token)) as vscode.ChatResult;
  const progress = rec.of('progress').map((a) => String(a[0]));
  // The step texts the CLI prints too (src/rlm/progressSteps.ts): what the code did, in a few words.
  for (const step of [/^indexed \d+ files \(.*\) · asking scripted-root$/, /^turn 1\/\d+ · /, /^turn 2\/\d+ · /, /^grep ".*greet.*" → 1 hit$/, /^read src\/greeting\.ts:\d+-\d+$/, /^llm_query "SUMMARIZE:/, /^final answer · \d+ citations$/]) {
    assert.ok(progress.some((p) => step.test(p)), `${step}: ${progress.join(' | ')}`);
  }
  const anchors = rec.of('anchor').map((a) => a[0] as vscode.Location);
  assert.ok(anchors.some((l) => l instanceof vscode.Location && l.uri.toString() === wsUri('src/greeting.ts').toString() && l.range.start.line === 6), JSON.stringify(anchors));
  const references = rec.of('reference').map((a) => String(a[0]));
  assert.ok(references.includes(wsUri('src/greeting.ts').toString()), references.join(', '));
  const markdown = rec.of('markdown').map((a) => String(a[0])).join('');
  assert.match(markdown, /The greeting message is built by `greet` in/);
  const buttons = rec.of('button').map((a) => a[0] as vscode.Command);
  const trajectory = buttons.find((b) => b.command === 'rlm.showTrajectory');
  const runId = (result.metadata as { runId?: string }).runId;
  assert.ok(trajectory && runId && trajectory.arguments?.[0] === runId);
  assert.ok(api.registry.get(runId)?.done);
  const followups = await api.followupProvider.provideFollowups(result, { history: [] } as vscode.ChatContext, cts.token);
  assert.ok(followups && followups.length >= 1 && followups.some((f) => /src\/greeting\.ts/.test(f.prompt)), JSON.stringify(followups));
});

test('@rlm with the model picked in the chat (vscode.lm): request.model runs the RLM, tokens counted with countTokens', async () => {
  const models = await vscode.lm.selectChatModels({ vendor: 'rlm-test' });
  assert.ok(models.length > 0, 'the test language model provider (test/vscode/lm-extension) is not available');
  const config = vscode.workspace.getConfiguration('rlm');
  const before = config.inspect('provider')?.globalValue;
  await config.update('provider', 'auto', vscode.ConfigurationTarget.Global);
  try {
    const rec = recordingStream();
    const request = { ...chatRequest(QUESTION), model: models[0] } as vscode.ChatRequest;
    const result = (await api.chatHandler(request, { history: [] } as vscode.ChatContext, rec.stream, new vscode.CancellationTokenSource().token)) as vscode.ChatResult;
    const run = api.registry.get((result.metadata as { runId: string }).runId);
    assert.ok(run?.result, run?.error);
    const start = run.events.find((e) => e.type === 'run_start');
    assert.equal(start?.type === 'run_start' && start.provider, 'vscode-lm');
    assert.equal(start?.type === 'run_start' && start.model, models[0].id);
    assert.equal(run.result.stopReason, 'final');
    assert.ok(run.result.usage.inputTokens > 0 && run.result.usage.outputTokens > 0, JSON.stringify(run.result.usage));
    const anchors = rec.of('anchor').map((a) => a[0] as vscode.Location);
    assert.ok(anchors.some((l) => l.uri.toString() === wsUri('src/greeting.ts').toString() && l.range.start.line === 6));
  } finally {
    await config.update('provider', before, vscode.ConfigurationTarget.Global);
  }
});

test('@rlm: chat references (#file, selection) become the focus', async () => {
  const rec = recordingStream();
  const selection = new vscode.Location(wsUri('src/util/strings.ts'), new vscode.Range(0, 0, 1, 10));
  await api.chatHandler(chatRequest(FOCUS_QUESTION, [{ id: 'vscode.implicit.selection', value: selection }]), { history: [] } as vscode.ChatContext, rec.stream, new vscode.CancellationTokenSource().token);
  assert.match(rec.of('markdown').map((a) => String(a[0])).join(''), /FOCUS-SEEN/);
});

test('@rlm: cancelling the token stops the run and its pending model request', async () => {
  const rec = recordingStream();
  const cts = new vscode.CancellationTokenSource();
  const sub = api.registry.onDidCreate((run) => {
    const off = run.onEvent((e) => {
      if (e.type === 'run_start') {
        off();
        cts.cancel();
      }
    });
  });
  try {
    const result = (await api.chatHandler(chatRequest(SLOW_QUESTION), { history: [] } as vscode.ChatContext, rec.stream, cts.token)) as vscode.ChatResult;
    const runId = (result.metadata as { runId?: string }).runId!;
    assert.equal(api.registry.get(runId)?.result?.stopReason, 'cancelled');
    assert.match(rec.of('markdown').map((a) => String(a[0])).join(''), /Cancelled/);
  } finally {
    sub.dispose();
  }
});

test('rlm_askWorkspace tool: invokeTool returns the answer with its citations', async () => {
  const cts = new vscode.CancellationTokenSource();
  const result = await vscode.lm.invokeTool('rlm_askWorkspace', { input: { question: QUESTION }, toolInvocationToken: undefined }, cts.token);
  const text = result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
  assert.match(text, /The greeting message is built by `greet` in src\/greeting\.ts:7/);
  assert.match(text, /Citations:\n- src\/greeting\.ts:7/);
});

test('rlm.showTrajectory opens the trajectory panel on a run', async () => {
  const panel = await vscode.commands.executeCommand<{ source: unknown; trajectory: { type: string }[] } | undefined>('rlm.showTrajectory', paletteRunId);
  assert.ok(panel);
  assert.deepEqual(panel.source, { kind: 'run', runId: paletteRunId });
  assert.ok(panel.trajectory.some((e) => e.type === 'run_start'));
});

/** A read-only in-memory file system: a stand-in for a virtual workspace (no disk path, no search provider). */
class MemoryFs implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  constructor(private readonly files: Record<string, string>) {}
  private children(dir: string): [string, vscode.FileType][] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const out = new Map<string, vscode.FileType>();
    for (const p of Object.keys(this.files)) {
      if (!p.startsWith(prefix)) continue;
      const [head, ...rest] = p.slice(prefix.length).split('/');
      out.set(head, rest.length ? vscode.FileType.Directory : vscode.FileType.File);
    }
    return [...out];
  }
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    const file = this.files[uri.path];
    if (file !== undefined) return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: Buffer.byteLength(file) };
    if (this.children(uri.path).length) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    throw vscode.FileSystemError.FileNotFound(uri);
  }
  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    return this.children(uri.path);
  }
  readFile(uri: vscode.Uri): Uint8Array {
    const file = this.files[uri.path];
    if (file === undefined) throw vscode.FileSystemError.FileNotFound(uri);
    return Buffer.from(file);
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
}

test('virtual workspaces: files are read through workspace.fs, with excludes and the secret-file rule', async () => {
  const fs = new MemoryFs({
    '/proj/src/app.ts': 'export const app = 1;\n',
    '/proj/src/deep/util.ts': 'export function util() {}\n',
    '/proj/.env': 'API_KEY=hunter2\n',
    '/proj/node_modules/dep/index.js': 'module.exports = 1;\n',
    '/proj/generated/out.ts': 'export const generated = 1;\n',
    '/proj/logo.png': 'PNG\u0000binary',
  });
  const registration = vscode.workspace.registerFileSystemProvider('rlmtest', fs, { isReadonly: true });
  try {
    const spec = await api.workspaceSpec([{ uri: vscode.Uri.parse('rlmtest:/proj'), name: 'proj' }]);
    assert.deepEqual(spec.roots, []);
    const paths = (spec.virtualFiles ?? []).map((f) => f.path).sort();
    // generated/ is hidden by the open workspace's files.exclude, node_modules by default, .env as a secret.
    assert.deepEqual(paths, ['src/app.ts', 'src/deep/util.ts']);
    assert.equal(spec.virtualFiles?.find((f) => f.path === 'src/app.ts')?.content, 'export const app = 1;\n');
  } finally {
    registration.dispose();
  }
});

test('missing configuration ends in an actionable message, not a stack trace', async () => {
  const config = vscode.workspace.getConfiguration('rlm');
  const before = { provider: config.inspect('provider')?.globalValue, host: config.inspect('ollama.host')?.globalValue };
  await config.update('provider', 'ollama', vscode.ConfigurationTarget.Global);
  await config.update('ollama.host', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
  try {
    const settings = await api.settings();
    assert.equal(settings.provider, 'ollama', `the update did not apply: ${JSON.stringify(config.inspect('provider'))}`);
    assert.equal(settings.ollamaHost, 'http://127.0.0.1:9', `the update did not apply: ${JSON.stringify(config.inspect('ollama.host'))}`);
    const result = await ask({ question: QUESTION, useSelection: false });
    assert.match(result.error ?? '', /Ollama/);
    assert.match(result.error ?? '', /127\.0\.0\.1:9\b/);
    assert.doesNotMatch(result.error ?? '', /\n\s+at /, 'a stack trace reached the user');
    assert.equal(result.runId, '', 'no run starts without a model');
  } finally {
    await config.update('provider', before.provider, vscode.ConfigurationTarget.Global);
    await config.update('ollama.host', before.host, vscode.ConfigurationTarget.Global);
  }
});
