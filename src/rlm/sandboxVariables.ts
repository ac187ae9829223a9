// Lists the variables model code left in a live sandbox: every global that was not there when the sandbox
// started (top-level declarations become globals: see sandbox/topLevelDeclarations.ts), each described briefly.
import type { Sandbox } from './sandbox/types';
import type { SandboxVariable } from './sessionMemo';

/** Runs inside the sandbox; `BASELINE` is replaced by the names the fresh sandbox had. Prints JSON. */
const LIST_SOURCE = String.raw`(function (skip) {
  var out = [];
  var names = Object.getOwnPropertyNames(globalThis);
  function describe(v) {
    if (v === null) return 'null';
    var t = typeof v;
    if (t === 'function') return 'function' + (v.length ? ' (' + v.length + ' parameter' + (v.length === 1 ? '' : 's') + ')' : '');
    if (t === 'string') return 'string (' + v.length + ' chars): ' + JSON.stringify(v.length > 60 ? v.slice(0, 60) + '…' : v);
    if (t === 'number' || t === 'boolean' || t === 'undefined' || t === 'bigint') return t + ' = ' + String(v);
    if (Array.isArray(v)) {
      var first = v.length ? v[0] : undefined;
      var of = first === null || first === undefined ? '' : Array.isArray(first) ? ' of arrays' : typeof first === 'object' ? ' of {' + Object.keys(first).slice(0, 6).join(', ') + '}' : ' of ' + typeof first + 's';
      return 'array(' + v.length + ')' + of;
    }
    if (v instanceof Map) return 'Map(' + v.size + ')';
    if (v instanceof Set) return 'Set(' + v.size + ')';
    if (typeof v.then === 'function') return 'a Promise (not awaited)';
    var keys = Object.keys(v);
    return 'object {' + keys.slice(0, 8).join(', ') + (keys.length > 8 ? ', … ' + keys.length + ' keys' : '') + '}';
  }
  for (var i = 0; i < names.length; i++) {
    var name = names[i];
    if (skip.indexOf(name) >= 0) continue;
    var summary;
    try { summary = describe(globalThis[name]); } catch (e) { summary = 'unreadable'; }
    out.push([name, summary]);
  }
  print(JSON.stringify(out));
})(BASELINE)`;

/** The globals of a fresh sandbox (the API, built-ins): everything else is the model's. */
export async function baselineNames(sandbox: Sandbox): Promise<string[]> {
  return (await listGlobals(sandbox, [])).map((v) => v.name);
}

/** The model's variables, or an error message when the sandbox could not be asked (it stopped, it was restarted). */
export async function listVariables(sandbox: Sandbox, baseline: string[]): Promise<SandboxVariable[]> {
  return listGlobals(sandbox, baseline);
}

async function listGlobals(sandbox: Sandbox, skip: string[]): Promise<SandboxVariable[]> {
  const result = await sandbox.exec(LIST_SOURCE.replace('BASELINE', JSON.stringify(skip)));
  if (result.error || result.restarted) throw new Error(result.error ?? 'the sandbox was restarted');
  const pairs = JSON.parse(result.stdout.trim()) as [string, string][];
  return pairs.map(([name, summary]) => ({ name, summary }));
}
