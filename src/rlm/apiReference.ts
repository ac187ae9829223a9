// The API section of the system prompt, generated from the declarations (sandbox/contextApi.ts,
// sandbox/globalsApi.ts): what the model reads is exactly what the sandbox accepts.
import type { OptionSpec, ParamSpec } from './sandbox/apiSchema';
import { signatureOf } from './sandbox/apiSchema';
import { CONTEXT_HELPERS, CONTEXT_PROPERTIES, contextCallSpec, helperSpec } from './sandbox/contextApi';
import { globalCallSpec, SANDBOX_GLOBALS, type GlobalSpec, type SandboxGlobal } from './sandbox/globalsApi';

const COLUMN = 35;

function entry(signature: string, comment: string): string {
  const head = signature.length < COLUMN ? signature.padEnd(COLUMN) : `${signature}\n${' '.repeat(COLUMN)}`;
  return `${head}// ${comment}`;
}

/** "maxResults: default 200, capped at 2000" — only what a model needs beyond the name. */
function detail(name: string, s: ParamSpec | OptionSpec): string | undefined {
  const parts: string[] = [];
  if (s.doc) parts.push(s.doc);
  if (s.enum) parts.push(s.enum.join('|'));
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  if (s.cap !== undefined) parts.push(`at most ${s.cap}`);
  return parts.length ? `${name}: ${parts.join(', ')}` : undefined;
}

function details(params: readonly ParamSpec[], options?: Readonly<Record<string, OptionSpec>>): string[] {
  const all = [...params.map((p) => detail(p.name, p)), ...Object.entries(options ?? {}).map(([k, o]) => detail(k, o))];
  return all.filter((d): d is string => d !== undefined);
}

function block(signature: string, doc: string, returns: string | undefined, extra: string[]): string[] {
  const lines = [entry(signature, returns ? `${doc} -> ${returns}` : doc)];
  if (extra.length) lines.push(`${' '.repeat(COLUMN)}// ${extra.join('; ')}`);
  return lines;
}

/** The globals that start model calls (left out when a run has none: the no-sub-call ablation). */
const SUB_CALL_GLOBALS: readonly SandboxGlobal[] = ['llm_query', 'llm_batch', 'rlm_query', 'rlm_batch'];

export function apiReference(canRecurse: boolean, subCalls = true): string {
  const lines: string[] = CONTEXT_PROPERTIES.map((p) => entry(`context.${p.name}`, p.doc));
  for (const name of CONTEXT_HELPERS) {
    const h = helperSpec(name);
    const sig = `${h.sync ? '' : 'await '}${signatureOf(contextCallSpec(name))}`;
    lines.push(...block(sig, h.doc, h.returns, details(h.params, h.options)));
  }
  for (const name of Object.keys(SANDBOX_GLOBALS) as SandboxGlobal[]) {
    if (!subCalls && SUB_CALL_GLOBALS.includes(name)) continue;
    const g: GlobalSpec = SANDBOX_GLOBALS[name];
    const sig = `${g.async ? 'await ' : ''}${signatureOf(globalCallSpec(name))}`;
    lines.push(...block(sig, g.doc, g.returns, details(g.params.filter((p) => p.type !== 'any'), g.options)));
  }
  if (subCalls && !canRecurse) lines.push('// At this depth rlm_query and rlm_batch are plain llm_query calls: put the text they need in the prompt.');
  return lines.join('\n');
}
