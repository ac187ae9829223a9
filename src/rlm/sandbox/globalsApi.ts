// The sandbox's global functions besides `context`, declared in the same style as contextApi.ts: the prompt's
// API section is generated from these entries, and the worker checks host-function calls (llm_query, llm_batch,
// rlm_query, rlm_batch) against them before they leave the sandbox.
import type { CallSpec, OptionSpec, ParamSpec } from './apiSchema';

export interface GlobalSpec {
  params: readonly ParamSpec[];
  options?: Readonly<Record<string, OptionSpec>>;
  doc: string;
  returns?: string;
  /** Called with await (runs on the host). */
  async?: boolean;
}

const model: OptionSpec = { type: 'string' };

export const SANDBOX_GLOBALS = {
  llm_query: {
    params: [{ name: 'prompt', type: 'string' }],
    options: { model },
    doc: 'one sub-model call; it sees ONLY the prompt you give it',
    returns: 'string',
    async: true,
  },
  llm_batch: {
    params: [{ name: 'prompts', type: 'string[]' }],
    options: { model },
    doc: 'llm_query calls in parallel; refused whole if it needs more sub-calls than are left',
    returns: 'string[] (a failed one is "[llm_query failed: ...]")',
    async: true,
  },
  rlm_query: {
    params: [{ name: 'prompt', type: 'string' }],
    options: { paths: { type: 'strings', doc: 'files/folders' }, text: { type: 'string' } },
    doc: 'a child RLM on the sub-model (own sandbox, same API) over paths or a text; one sub-call',
    returns: 'its FINAL answer, a string',
    async: true,
  },
  rlm_batch: {
    params: [{ name: 'tasks', type: 'any' }],
    doc: 'child runs in parallel; tasks: [prompt | {prompt, paths, text}, ...]',
    returns: 'string[] (a failed one is "[rlm_query failed: ...]")',
    async: true,
  },
  print: {
    params: [{ name: '...values', type: 'any' }],
    doc: 'output for your next turn (console.log works too)',
  },
  FINAL: {
    params: [{ name: 'answer', type: 'any' }],
    doc: 'ends the run; answer is a markdown string',
  },
  FINAL_VAR: {
    params: [{ name: 'name', type: 'string' }],
    doc: 'ends the run with the value of the variable called name, e.g. FINAL_VAR("report")',
  },
} as const satisfies Record<string, GlobalSpec>;

export type SandboxGlobal = keyof typeof SANDBOX_GLOBALS;

/** Host functions whose calls the worker checks against their declaration. */
export const CHECKED_HOST_FUNCTIONS = ['llm_query', 'llm_batch', 'rlm_query', 'rlm_batch'] as const;

export function globalCallSpec(name: SandboxGlobal): CallSpec {
  const g: GlobalSpec = SANDBOX_GLOBALS[name];
  return { call: name, params: g.params, options: g.options };
}
