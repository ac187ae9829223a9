// Syntax highlighting with a small highlight.js core: the languages a trajectory holds (the model's JavaScript,
// TypeScript sources, JSON, Python). highlight.js escapes the code it is given; its output is only spans.
import hljs from 'highlight.js/lib/core';
import javascript from 'highlight.js/lib/languages/javascript';
import typescript from 'highlight.js/lib/languages/typescript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import { escapeHtml, trustedRendererOutput, type SafeHtml } from './html';

hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('json', json);
hljs.registerLanguage('python', python);

const ALIASES: Record<string, string> = { js: 'javascript', javascript: 'javascript', repl: 'javascript', mjs: 'javascript', cjs: 'javascript', ts: 'typescript', typescript: 'typescript', tsx: 'typescript', json: 'json', py: 'python', python: 'python' };

/** Beyond this, highlighting costs more than it helps: show plain text. */
const MAX_HIGHLIGHT_CHARS = 200_000;

export function languageFor(nameOrPath: string | undefined): string | undefined {
  if (!nameOrPath) return undefined;
  const key = nameOrPath.toLowerCase().replace(/^.*\./, '');
  return ALIASES[key];
}

/** Highlighted code as HTML (spans inside, no wrapper); plain escaped text for unknown languages. */
export function highlightCode(code: string, language: string | undefined): SafeHtml {
  const lang = languageFor(language);
  if (!lang || code.length > MAX_HIGHLIGHT_CHARS) return trustedRendererOutput(escapeHtml(code));
  return trustedRendererOutput(hljs.highlight(code, { language: lang, ignoreIllegals: true }).value);
}
