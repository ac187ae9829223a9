// Helpers to script a root model, its sub-calls and child runs against the scripted model server.
// The scripted "model" never knows answers: it writes code, and the facts come from the sandbox's real output.
import { makeTree } from '../workspace/helpers';
import type { ScriptedReply, ScriptedRequest } from './scriptedModelServer';

export const ROOT_MODEL = 'scripted-model';
export const SUB_MODEL = 'scripted-small';

/** A reply made of a short plan and one ```js block per code string. */
export function js(...blocks: string[]): string {
  return 'Plan: next step.\n' + blocks.map((b) => '```js\n' + b + '\n```').join('\n');
}

/** True for llm_query sub-calls (they carry the sub-call system prompt). */
export function isSubCall(req: ScriptedRequest): boolean {
  return req.messages[0]?.role === 'system' && req.messages[0].content.startsWith('You are a careful code analyst');
}

/** True for the turns of a child run started by rlm_query. */
export function isChildRun(req: ScriptedRequest): boolean {
  return req.messages[0]?.role === 'system' && req.messages[0].content.includes('You are a child run');
}

/** 1-based turn number of a root or child request (assistant messages so far + 1). */
export function turnOf(req: ScriptedRequest): number {
  return req.messages.filter((m) => m.role === 'assistant').length + 1;
}

export function lastUser(req: ScriptedRequest): string {
  const users = req.messages.filter((m) => m.role === 'user');
  return users[users.length - 1]?.content ?? '';
}

/** Root turns in order; sub-calls and child runs answered by the given functions. */
export function script(
  rootTurns: ScriptedReply[],
  handlers: { sub?: (req: ScriptedRequest) => ScriptedReply; child?: (req: ScriptedRequest) => ScriptedReply } = {},
): (req: ScriptedRequest) => ScriptedReply {
  return (req) => {
    if (isSubCall(req)) return handlers.sub ? handlers.sub(req) : 'sub-answer';
    if (isChildRun(req)) return handlers.child ? handlers.child(req) : js('FINAL("child answer")');
    const turn = turnOf(req);
    return rootTurns[Math.min(turn, rootTurns.length) - 1];
  };
}

/** A small realistic project on disk. */
export function makeProject(files: Record<string, string>): string {
  return makeTree(files, 'rlm-proj-');
}

export const SAMPLE_PROJECT: Record<string, string> = {
  'package.json': '{ "name": "shop", "version": "1.0.0" }\n',
  'src/server.ts': [
    "import { createCart } from './cart';",
    "import { retry } from './retry';",
    '',
    'export function startServer(port: number) {',
    '  const cart = createCart();',
    "  return retry(() => listen(port, cart), { attempts: 3 });",
    '}',
    '',
    'function listen(port: number, cart: unknown) {',
    '  return { port, cart };',
    '}',
    '',
  ].join('\n'),
  'src/cart.ts': [
    'export interface Cart { items: string[] }',
    '',
    'export function createCart(): Cart {',
    '  return { items: [] };',
    '}',
    '',
    'export function addItem(cart: Cart, item: string) {',
    '  cart.items.push(item);',
    '}',
    '',
  ].join('\n'),
  'src/retry.ts': [
    'export interface RetryOptions { attempts: number }',
    '',
    '// Retries a failing operation with exponential backoff.',
    'export async function retry<T>(op: () => T, opts: RetryOptions): Promise<T> {',
    '  let last: unknown;',
    '  for (let i = 0; i < opts.attempts; i++) {',
    '    try { return await op(); } catch (e) { last = e; await sleep(2 ** i * 100); }',
    '  }',
    '  throw last;',
    '}',
    '',
    'function sleep(ms: number) { return new Promise((r) => setTimeout(r, ms)); }',
    '',
  ].join('\n'),
  'docs/README.md': '# Shop\n\nA tiny shop server. Retries are configured in src/retry.ts.\n',
  '.env': 'SECRET_TOKEN=do-not-leak\n',
};
