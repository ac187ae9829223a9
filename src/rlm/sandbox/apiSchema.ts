// The schema language of the sandbox API tables (contextApi.ts, globalsApi.ts): what each argument and option
// accepts, and the one checker that applies it. A call is checked against its declaration before it runs, so a
// typo'd option, a bad enum value or a wrong type is an error naming what is accepted, and a value above a cap is
// lowered with a note saying so — never silently ignored or clamped.

export type ValueType =
  /** A string; with `enum`, one of those values. */
  | 'string'
  /** A string or an array of strings (normalized to an array); with `enum`, each one of those values. */
  | 'strings'
  /** An array of strings. */
  | 'string[]'
  | 'integer'
  | 'boolean'
  /** A regex source string or a RegExp (its `i` flag sets the ignoreCase option). */
  | 'pattern'
  /** Any JSON value (the receiving function checks it). */
  | 'any';

export interface ValueSpec {
  type: ValueType;
  /** A few words for the prompt. */
  doc?: string;
  enum?: readonly string[];
  /** Integers below this are refused. */
  min?: number;
  /** Integers above this are lowered to it, with a note in the output. */
  cap?: number;
  /** The value used when the option is absent (documentation: the implementation applies it). */
  default?: string | number | boolean;
}

export interface ParamSpec extends ValueSpec {
  name: string;
  optional?: boolean;
}

export interface OptionSpec extends ValueSpec {
  /** Handled by the sandbox itself (not passed to the implementation). */
  sandboxOnly?: boolean;
}

/** One callable as the model sees it. */
export interface CallSpec {
  /** As called in sandbox code: "context.grep", "llm_query". */
  call: string;
  params: readonly ParamSpec[];
  options?: Readonly<Record<string, OptionSpec>>;
}

/** A value that JSON cannot carry, as the prelude encodes it before the call crosses to the worker. */
export interface EncodedValue {
  __rlm_value: string;
}
export interface EncodedRegExp {
  __rlm_regexp: string;
  flags: string;
}

export class ApiArgumentError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'TypeError';
  }
}

export interface CheckedCall {
  args: unknown[];
  /** Lines for the block's output (a cap that was applied). */
  notes: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const encodedRegExp = (v: unknown): v is EncodedRegExp => isObject(v) && typeof v.__rlm_regexp === 'string';
const encodedValue = (v: unknown): v is EncodedValue => isObject(v) && typeof v.__rlm_value === 'string';
const absent = (v: unknown) => v === undefined || v === null;

/** A value as an error message names it: 'a number (5)', 'a Promise — did you forget await?'. */
export function describeValue(v: unknown): string {
  if (encodedValue(v)) return v.__rlm_value;
  if (encodedRegExp(v)) return `a RegExp (/${v.__rlm_regexp}/${v.flags})`;
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array (${v.length} items)`;
  if (typeof v === 'object') return `an object with keys ${Object.keys(v).slice(0, 6).join(', ') || '(none)'}`;
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)})`;
  return `a ${typeof v} (${String(v)})`;
}

/** "context.grep(pattern, {glob, ignoreCase}?)" */
export function signatureOf(spec: CallSpec): string {
  const params = spec.params.map((p) => (p.optional ? `${p.name}?` : p.name));
  if (spec.options) params.push(`{${Object.keys(spec.options).join(', ')}}?`);
  return `${spec.call}(${params.join(', ')})`;
}

function typeWords(s: ValueSpec): string {
  const oneOf = s.enum ? `one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}` : '';
  switch (s.type) {
    case 'string':
      return oneOf || 'a string';
    case 'strings':
      return oneOf ? `${oneOf} (or an array of them)` : 'a string or an array of strings';
    case 'string[]':
      return 'an array of strings';
    case 'integer':
      return s.min !== undefined ? `an integer >= ${s.min}` : 'an integer';
    case 'boolean':
      return 'true or false';
    case 'pattern':
      return 'a regex string or a RegExp';
    case 'any':
      return 'a value';
  }
}

/** Checks one value; returns it normalized, or throws with `what` ('option "kind"', 'path'). */
function checkValue(spec: ValueSpec, v: unknown, what: string, fail: (m: string) => never, notes: string[]): unknown {
  const wrong = (): never => fail(`${what} must be ${typeWords(spec)}, got ${describeValue(v)}`);
  const inEnum = (x: string) => !spec.enum || spec.enum.includes(x);
  switch (spec.type) {
    case 'string':
      if (typeof v !== 'string' || !inEnum(v)) return wrong();
      return v;
    case 'strings': {
      const list = typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : wrong();
      if (!list.every(inEnum)) return wrong();
      return list;
    }
    case 'string[]':
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
        const bad = Array.isArray(v) ? v.findIndex((x) => typeof x !== 'string') : -1;
        return bad >= 0 ? fail(`${what}[${bad}] must be a string, got ${describeValue((v as unknown[])[bad])}`) : wrong();
      }
      return v;
    case 'integer': {
      if (typeof v !== 'number' || !Number.isInteger(v) || (spec.min !== undefined && v < spec.min)) return wrong();
      if (spec.cap !== undefined && v > spec.cap) {
        notes.push(`${what} ${v} is above its cap of ${spec.cap}: ${spec.cap} was used.`);
        return spec.cap;
      }
      return v;
    }
    case 'boolean':
      if (typeof v !== 'boolean') return wrong();
      return v;
    case 'pattern':
      if (typeof v === 'string') return v;
      if (encodedRegExp(v)) return v;
      return wrong();
    case 'any':
      if (encodedValue(v)) return wrong();
      return v;
  }
}

/**
 * Checks a call's arguments against its declaration. Returns the arguments to pass on (options normalized,
 * `sandboxOnly` options kept for the caller to apply) and notes for capped values; throws ApiArgumentError.
 */
export function checkCall(spec: CallSpec, args: unknown[]): CheckedCall {
  const sig = signatureOf(spec);
  const fail = (m: string): never => {
    throw new ApiArgumentError(`${sig}: ${m}`);
  };
  const notes: string[] = [];
  const out: unknown[] = [];
  const slots = spec.params.length + (spec.options ? 1 : 0);
  let used = args.length;
  while (used > 0 && absent(args[used - 1])) used--;
  if (used > slots) fail(`takes at most ${slots} argument${slots === 1 ? '' : 's'}, got ${used}`);
  spec.params.forEach((p, i) => {
    const v = args[i];
    if (absent(v)) {
      if (!p.optional) fail(`${p.name} is required`);
      out.push(undefined);
      return;
    }
    out.push(checkValue(p, v, p.name, fail, notes));
  });
  if (spec.options) out.push(checkOptions(spec, args[spec.params.length], fail, notes));
  // A RegExp pattern's i flag asks for a case-insensitive search unless the options say otherwise.
  spec.params.forEach((p, i) => {
    const v = out[i];
    if (p.type !== 'pattern' || !encodedRegExp(v)) return;
    out[i] = v.__rlm_regexp;
    const opts = out[spec.params.length] as Record<string, unknown> | undefined;
    if (opts && spec.options?.ignoreCase && opts.ignoreCase === undefined && v.flags.includes('i')) opts.ignoreCase = true;
  });
  while (out.length && out[out.length - 1] === undefined) out.pop();
  return { args: out, notes: notes.map((n) => `[${spec.call}] ${n}`) };
}

function checkOptions(spec: CallSpec, raw: unknown, fail: (m: string) => never, notes: string[]): Record<string, unknown> {
  const known = spec.options ?? {};
  if (absent(raw)) return {};
  if (!isObject(raw) || encodedValue(raw) || encodedRegExp(raw)) return fail(`options must be an object like {${Object.keys(known).join(', ')}}, got ${describeValue(raw)}`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    const want = Object.hasOwn(known, key) ? known[key] : undefined;
    if (!want) fail(`unknown option "${key}" (known: ${Object.keys(known).join(', ')})`);
    if (absent(v)) continue;
    out[key] = checkValue(want!, v, `option "${key}"`, fail, notes);
  }
  return out;
}
