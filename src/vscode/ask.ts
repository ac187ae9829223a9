// One question, from any surface (palette, chat, tool): resolve the models, describe the workspace, create
// the LiveRun in the registry, and run the engine. The engine is loaded on first use, so activation stays
// cheap (no wasm, no index).
import * as vscode from 'vscode';
import type { LiveRun } from '../rlm/liveRun';
import type { FocusItem, RunResult } from '../rlm/types';
import { Redactor } from './redact';
import type { RunOrigin, RunRegistry } from './runRegistry';
import { resolveModels, verifyReachable, type ResolvedModels } from './providers';
import type { ApiKeys } from './secrets';
import { readPrices, readSettings } from './settings';
import { buildWorkspace } from './workspaceSpec';
import { sessionStore } from './sessions';
import { accountOf, formatFooter } from '../rlm/runAccount';

export interface AskServices {
  registry: RunRegistry;
  keys: ApiKeys;
  log: vscode.LogOutputChannel;
  redactor: Redactor;
  /** Folder for caches (the symbol index), outside the workspace. */
  cacheDir?: string;
  /** The extension's folder (webview scripts and styles); the answer panel opens only when given. */
  extensionUri?: vscode.Uri;
  /** Where the answer and trajectory panels open (one column) and code opens (another). */
  placement?: import('../webview/placement').PanelPlacement;
}

export interface AskRequest {
  question: string;
  origin: RunOrigin;
  focus?: FocusItem[];
  /** The conversation this question belongs to (its earlier runs show with it in the trajectory panel). */
  session?: string;
  /** The model picked in the chat view. */
  chatModel?: vscode.LanguageModelChat;
  token?: vscode.CancellationToken;
}

export interface StartedAsk {
  run: LiveRun;
  models: ResolvedModels;
  result: Promise<RunResult>;
}

/** Throws ConfigurationError for setup problems (before any run is created). */
export async function startAsk(services: AskServices, request: AskRequest): Promise<StartedAsk> {
  const settings = readSettings();
  const models = await resolveModels({ settings, keys: services.keys, chatModel: request.chatModel });
  for (const secret of models.secrets) services.redactor.add(secret);
  await verifyReachable(models);
  const workspace = await buildWorkspace(settings, services.cacheDir);
  const run = services.registry.create(request.question, request.origin, request.session);
  const { log, redactor } = services;
  log.info(`[${run.id}] ${request.origin}: ${redactor.redact(models.description)}; ripgrep: ${workspace.ripgrep ? `${workspace.ripgrep.path} (${workspace.ripgrep.source})` : 'none, pure-JS search'}${workspace.virtual ? '; virtual workspace via workspace.fs' : ''}`);
  const cancelSubscription = request.token?.onCancellationRequested(() => run.cancel());
  if (request.token?.isCancellationRequested) run.cancel();
  const result = (async () => {
    try {
      const common = {
        model: models.model,
        subModel: models.subModel,
        limits: settings.limits,
        prices: readPrices(vscode.workspace.getConfiguration('rlm'), (m) => log.warn(m)),
        signal: run.signal,
        onEvent: run.push,
        focus: request.focus,
      };
      // A conversation's question runs in its session: the live sandbox and the earlier answers carry over.
      const outcome = request.session
        ? await sessionStore().open(request.session, () => ({ workspace: workspace.spec, ...common })).ask(request.question, common)
        : await (await import('../rlm/engine')).runRlm({ question: request.question, workspace: workspace.spec, ...common });
      log.info(`[${run.id}] ${outcome.stopReason}: ${formatFooter(accountOf(run.events))}${outcome.detail ? `: ${redactor.redact(outcome.detail)}` : ''}`);
      run.finish(outcome);
      return outcome;
    } catch (error) {
      const message = redactor.redact(error instanceof Error ? error.message : String(error));
      log.error(`[${run.id}] failed: ${message}`);
      run.finish(undefined, message);
      throw new Error(message);
    } finally {
      cancelSubscription?.dispose();
    }
  })();
  return { run, models, result };
}
