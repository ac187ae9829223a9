// rlm_askWorkspace: a language model tool so agent mode can hand a whole-codebase question to the RLM and
// get the answer back with its path:line citations.
import { accountOf, formatFooter } from '../rlm/runAccount';
import * as vscode from 'vscode';
import { startAsk, type AskServices } from './ask';
import { ConfigurationError } from './providers';

export const TOOL_NAME = 'rlm_askWorkspace';

export interface AskToolInput {
  question: string;
  /** Workspace-relative files or folders to focus on. */
  paths?: string[];
}

export function createAskTool(services: AskServices): vscode.LanguageModelTool<AskToolInput> {
  return {
    prepareInvocation(options) {
      return { invocationMessage: `Asking RLM about the workspace: ${options.input.question}` };
    },
    async invoke(options, token) {
      const question = options.input?.question?.trim();
      if (!question) throw new Error('rlm_askWorkspace needs a "question".');
      const focus = (options.input.paths ?? []).filter((p) => typeof p === 'string' && p).map((p) => ({ path: p }));
      let started;
      try {
        started = await startAsk(services, { question, origin: 'tool', focus, token });
      } catch (error) {
        // The calling model should see why, in words it can relay to the user.
        if (error instanceof ConfigurationError) return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(`RLM is not set up: ${error.message}`)]);
        throw error;
      }
      const result = await started.result;
      const citations = result.citations.map((c) => `- ${c.path}:${c.line}${c.endLine ? `-${c.endLine}` : ''}${c.valid ? '' : ` (unverified: ${c.problem ?? 'not found'})`}`);
      const text = [
        result.answer || `RLM found no answer (${result.detail ?? result.stopReason}).`,
        citations.length ? `\nCitations:\n${citations.join('\n')}` : '',
        result.stopReason === 'final' || !result.answer ? '' : `\n(RLM stopped early: ${result.detail ?? result.stopReason}; this is a best-effort answer.)`,
        `\n(RLM run ${started.run.id}: ${formatFooter(accountOf(started.run.events))}.)`,
      ].join('');
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
    },
  };
}
