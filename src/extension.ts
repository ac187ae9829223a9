// Activation registers commands, the @rlm chat participant and the rlm_askWorkspace tool, and nothing else:
// the engine, wasm, model clients, markdown renderer and webviews load on first use (loadCore(), a bundle of
// their own), so activation costs a few milliseconds. Only the light modules below are imported statically.
import { moduleStart } from './vscode/activationClock';
import * as vscode from 'vscode';
import { Redactor } from './vscode/redact';
import { RunRegistry } from './vscode/runRegistry';
import { askForQuestion, selectionFocus } from './vscode/questionBox';
import { ApiKeys, setApiKeyCommand } from './vscode/secrets';
import { registerTrajectoryPanel } from './webview/panel';
import { PanelPlacement } from './webview/placement';
import { registerRunsView } from './vscode/runsView';
import { registerStatusItem } from './vscode/statusItem';
import type { AskServices } from './vscode/ask';
import type { AskCommandArgs } from './vscode/askCommand';
import type { CitationTarget } from './vscode/openCitation';
import type { AskToolInput } from './vscode/askTool';

export interface RlmExtensionApi {
  /** Time spent evaluating the bundle's eagerly loaded modules plus activate(), ms. */
  readonly activationMs: number;
  readonly registry: RunRegistry;
  /** The @rlm participant's handler (the same function the chat view calls). */
  readonly chatHandler: vscode.ChatRequestHandler;
  readonly followupProvider: vscode.ChatFollowupProvider;
  /** Resolved settings, as the extension reads them (machine-scoped values from user settings only). */
  settings(): Promise<import('./vscode/settings').RlmSettings>;
  /** Where ripgrep was found (VS Code's bundled rg, the setting, PATH), or undefined for the pure-JS search. */
  ripgrep(): Promise<import('./vscode/ripgrep').RipgrepLocation | undefined>;
  /** The WorkspaceSpec an ask would use for these folders (default: the open ones); virtual folders are read via workspace.fs. */
  workspaceSpec(folders?: readonly Pick<vscode.WorkspaceFolder, 'uri' | 'name'>[]): Promise<import('./workspace/types').WorkspaceSpec>;
  /** Whether a key is stored in SecretStorage for the provider (never the key itself). */
  hasStoredKey(provider: 'openai'): Promise<boolean>;
}

type Core = typeof import('./vscode/core');
/**
 * The heavy modules (engine, model clients, markdown, webviews) live in dist/extensionCore.js, loaded on first use:
 * activation only compiles the small dist/extension.js. From source (unit tests under tsx) they load directly.
 */
function loadCore(): Promise<Core> {
  if (__filename.endsWith('.ts')) return import('./vscode/core').then((core) => (loadedCore = core));
  return Promise.resolve((loadedCore = require('./extensionCore.js') as Core));
}
/** Set once the core is loaded: deactivate() reaches its process registry through it. */
let loadedCore: Core | undefined;

// Set when this module's top level has run (all static imports evaluated).
const moduleEnd = performance.now();

export const PARTICIPANT_ID = 'rlm-vscode.rlm';
export const TOOL_NAME = 'rlm_askWorkspace';

export function activate(context: vscode.ExtensionContext): RlmExtensionApi {
  const activateStart = performance.now();
  const log = vscode.window.createOutputChannel('RLM', { log: true });
  const registry = new RunRegistry();
  const keys = new ApiKeys(context.secrets);
  const placement = new PanelPlacement();
  const services: AskServices = { registry, keys, log, redactor: new Redactor(), cacheDir: context.globalStorageUri.fsPath, extensionUri: context.extensionUri, placement };

  const chatHandler: vscode.ChatRequestHandler = async (request, chatContext, stream, token) => {
    const { createChatHandler } = (await loadCore()).chatParticipant;
    return createChatHandler(services)(request, chatContext, stream, token);
  };
  const followupProvider: vscode.ChatFollowupProvider = {
    async provideFollowups(result, chatContext, token) {
      const { followupProvider: provider } = (await loadCore()).chatParticipant;
      return provider.provideFollowups(result, chatContext, token);
    },
  };

  const reportFailure = (what: string) => (error: unknown) => {
    const message = services.redactor.redact(error instanceof Error ? error.message : String(error));
    log.error(`${what}: ${message}`);
    void vscode.window.showErrorMessage(`RLM: ${message}`);
    return undefined;
  };

  context.subscriptions.push(
    log,
    { dispose: () => registry.cancelAll() },
    vscode.commands.registerCommand('rlm.askWorkspace', async (args?: AskCommandArgs) => {
      let request = args;
      if (!args?.question?.trim()) {
        // The question box first (light), the engine's modules after: no keystrokes lost to a module load.
        const selection = args?.useSelection === false ? undefined : selectionFocus(vscode.window.activeTextEditor);
        const asked = await askForQuestion(context.globalState, selection);
        if (!asked) return undefined;
        request = { ...args, question: asked.question, useSelection: asked.useFocus && args?.useSelection !== false };
      }
      const { askWorkspaceCommand } = (await loadCore()).askCommand;
      return askWorkspaceCommand(services, context.globalState, request).catch(reportFailure('ask'));
    }),
    vscode.commands.registerCommand('rlm.setApiKey', (arg?: { provider?: 'openai'; key?: string }) => setApiKeyCommand(keys, arg)),
    vscode.commands.registerCommand('rlm.clearApiKey', async () => {
      await keys.clear('openai');
      void vscode.window.showInformationMessage('RLM: API key removed from secret storage.');
    }),
    vscode.commands.registerCommand('rlm.openCitation', async (target: CitationTarget) => {
      const { openCitation } = (await loadCore()).openCitation;
      const editor = await openCitation(target, placement.codeColumn());
      return editor ? { path: editor.document.uri.toString(), line: editor.selection.active.line + 1 } : undefined;
    }),
    vscode.commands.registerCommand('rlm.showLog', () => log.show()),
  );

  // The trajectory panel (src/webview/): rlm.showTrajectory, rlm.openTrajectoryFile, rlm.exportTrajectory,
  // rlm.showHistory and the panel serializer; it follows every run the registry creates.
  const trajectory = registerTrajectoryPanel(context, registry, placement);
  // A home in the UI: the Runs view in RLM's activity-bar container, and a status bar item while a run goes.
  context.subscriptions.push(registerRunsView(registry, trajectory.history), registerStatusItem(registry));

  // The chat and language-model-tool APIs are missing in some hosts (older VS Code forks): register when present.
  if (vscode.chat?.createChatParticipant) {
    const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, chatHandler);
    participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'rlm.png');
    participant.followupProvider = followupProvider;
    context.subscriptions.push(participant);
  }
  if (vscode.lm?.registerTool) {
    context.subscriptions.push(
      vscode.lm.registerTool<AskToolInput>(TOOL_NAME, {
        async prepareInvocation(options, token) {
          const { createAskTool } = (await loadCore()).askTool;
          return createAskTool(services).prepareInvocation?.(options, token);
        },
        async invoke(options, token) {
          const { createAskTool } = (await loadCore()).askTool;
          return createAskTool(services).invoke(options, token);
        },
      }),
    );
  }

  // The extension host may do other work between loading the module and calling activate(): not counted.
  const activationMs = performance.now() - activateStart + (moduleEnd - moduleStart);
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return {
    activationMs,
    registry,
    chatHandler,
    followupProvider,
    settings: async () => (await loadCore()).settings.readSettings(),
    ripgrep: async () => {
      const { settings: { readSettings }, workspaceSpec: { locateRipgrep } } = await loadCore();
      return locateRipgrep(readSettings());
    },
    workspaceSpec: async (folders) => {
      const { settings: { readSettings }, workspaceSpec: { buildWorkspace } } = await loadCore();
      return (await buildWorkspace(readSettings(), undefined, folders)).spec;
    },
    hasStoredKey: async (provider) => (await context.secrets.get(`rlm.apiKey.${provider}`)) !== undefined,
  };
}

/**
 * Runs are cancelled by the subscriptions' dispose (registry.cancelAll); searches they started die with their
 * sandbox. Whatever is still running when the extension goes is killed here, at once: no child outlives the host.
 */
export async function deactivate(): Promise<void> {
  loadedCore?.childProcesses.killChildren();
  await loadedCore?.sessions.disposeSessions();
}
