// The JavaScript evaluated inside QuickJS before any model code: it defines the sandbox API of design.md
// (context, llm_query, llm_batch, rlm_query, print, console, FINAL, FINAL_VAR) on top of two raw bridges that
// sandboxWorker.ts installs and this code removes from the global object:
//   __rlm_sync(name, argsJson)  -> replyJson            (print, FINAL, context.files/tree: answered at once)
//   __rlm_async(name, argsJson) -> Promise<replyJson>   (workspace reads/searches, host functions)
// A reply is {ok, value} or {ok: false, error}; failures become ordinary Errors thrown in the sandbox.
// Arguments cross as JSON made inside the sandbox, so getters/proxies run as sandbox code and the host only
// ever sees a string. Argument errors are raised here, before any round trip.

/** Configuration the prelude reads from globalThis.__rlm_config (JSON), then deletes. */
export interface PreludeConfig {
  root: string;
  length: number;
  /** Extra host functions (beyond llm_query/llm_batch/rlm_query) to expose as globals. */
  extraHostFunctions: string[];
  /** Workspace methods forwarded generically as context.<name>(...args). */
  workspaceMethods: string[];
  /** Cap for one printed non-string value, characters. */
  maxValueChars: number;
  /** Cap for one print() call, characters (the worker caps the whole block). */
  maxPrintChars: number;
}

export const PRELUDE_FILENAME = 'prelude.js';

export const PRELUDE_SOURCE = String.raw`
(function () {
  'use strict';
  var g = globalThis;
  var syncBridge = g.__rlm_sync, asyncBridge = g.__rlm_async;
  var stringify = JSON.stringify, parse = JSON.parse;
  var config = parse(g.__rlm_config);
  delete g.__rlm_sync; delete g.__rlm_async; delete g.__rlm_config;
  var PromiseCtor = Promise, ErrorCtor = Error, TypeErrorCtor = TypeError, isArray = Array.isArray;
  var objectKeys = Object.keys, hasOwn = Object.hasOwn;
  var grepResults = new WeakSet();
  var partialResults = new WeakSet();
  var FORGOT_AWAIT = '[Promise — did you forget await?]';

  function unwrap(json) {
    var reply = parse(json);
    if (reply.ok) return reply.value;
    throw new ErrorCtor(reply.error);
  }
  function callSync(name, args) { return unwrap(syncBridge(name, stringify(args))); }
  function callAsync(name, args) {
    var json;
    try { json = stringify(args); } catch (e) { return PromiseCtor.reject(e); }
    return asyncBridge(name, json).then(unwrap);
  }

  function describe(v) {
    if (v instanceof PromiseCtor) return 'a Promise — did you forget await?';
    if (v === null) return 'null';
    if (isArray(v)) return 'an array';
    return typeof v === 'object' ? 'an object' : 'a ' + typeof v + ' (' + String(v).slice(0, 40) + ')';
  }
  function fail(signature, what) { throw new TypeErrorCtor(signature + ': ' + what); }
  function checkOptions(signature, opts, shape) {
    if (opts === undefined || opts === null) return {};
    if (typeof opts !== 'object' || isArray(opts)) fail(signature, 'options must be an object, got ' + describe(opts));
    var out = {};
    var keys = objectKeys(opts);
    for (var n = 0; n < keys.length; n++) {
      var key = keys[n];
      var want = hasOwn(shape, key) ? shape[key] : undefined;
      var v = opts[key];
      if (!want) fail(signature, 'unknown option "' + key + '" (known: ' + objectKeys(shape).join(', ') + ')');
      if (v === undefined) continue;
      var ok = want === 'string[]' ? isArray(v) && v.every(function (x) { return typeof x === 'string'; })
        : want === 'string|string[]' ? typeof v === 'string' || (isArray(v) && v.every(function (x) { return typeof x === 'string'; }))
        : want === 'integer' ? typeof v === 'number' && Math.floor(v) === v && v >= 0
        : typeof v === want;
      if (!ok) fail(signature, 'option "' + key + '" must be ' + want + ', got ' + describe(v));
      out[key] = v;
    }
    return out;
  }
  function checkString(signature, name, v) {
    if (typeof v !== 'string') fail(signature, name + ' must be a string, got ' + describe(v));
  }

  // ---- print ---------------------------------------------------------------------------------------------
  function capValue(s) {
    if (s.length <= config.maxValueChars) return s;
    return s.slice(0, config.maxValueChars) + '\n… (' + (s.length - config.maxValueChars) + ' more characters; print a slice or fewer items)';
  }
  function formatGrep(hits) {
    var lines = [];
    for (var i = 0; i < hits.length; i++) {
      var h = hits[i];
      var b = h.before || [], a = h.after || [];
      for (var j = 0; j < b.length; j++) lines[lines.length] = (h.path + '-' + (h.line - b.length + j) + '- ' + b[j]);
      lines[lines.length] = (h.path + ':' + h.line + ': ' + h.text);
      for (var k = 0; k < a.length; k++) lines[lines.length] = (h.path + '-' + (h.line + 1 + k) + '- ' + a[k]);
      if (b.length || a.length) lines[lines.length] = ('--');
    }
    if (hits.length === 0) lines[lines.length] = ('(no matches)');
    if (hits.truncated) lines[lines.length] = ('(showing ' + hits.length + ' of ' + hits.total + ' matches; narrow with glob/paths)');
    if (hits.note) lines[lines.length] = ('(' + hits.note + ')');
    return lines.join('\n');
  }
  function formatValue(v) {
    if (typeof v === 'string') return v;
    if (v instanceof PromiseCtor) return FORGOT_AWAIT;
    if (v === undefined) return 'undefined';
    if (typeof v === 'function') return '[Function ' + (v.name || 'anonymous') + ']';
    if (typeof v === 'bigint') return String(v) + 'n';
    if (typeof v === 'symbol') return v.toString();
    if (typeof v !== 'object' || v === null) return String(v);
    if (grepResults.has(v)) return capValue(formatGrep(v));
    if (partialResults.has(v)) return capValue(formatJson(v) + '\n(' + v.note + ')');
    if (v instanceof ErrorCtor) return capValue(v.name + ': ' + v.message);
    return capValue(formatJson(v));
  }
  /** Indented JSON, with promises, functions, cycles, Maps and Sets shown for what they are. */
  function formatJson(v) {
    var seen = [];
    var text;
    try {
      text = stringify(v, function (key, value) {
        if (value instanceof PromiseCtor) return FORGOT_AWAIT;
        if (typeof value === 'function') return '[Function ' + (value.name || 'anonymous') + ']';
        if (typeof value === 'bigint') return String(value) + 'n';
        if (typeof value === 'symbol') return value.toString();
        if (value === undefined) return key === '' ? value : '[undefined]';
        if (value instanceof ErrorCtor) return value.name + ': ' + value.message;
        if (typeof value === 'object' && value !== null) {
          // 'seen' is the path from the root to the holder: only real cycles are cut, shared objects print twice.
          while (seen.length && seen[seen.length - 1] !== this) seen.length--;
          if (seen.indexOf(value) >= 0) return '[Circular]';
          if (value instanceof Map) value = { '[Map]': Array.from(value.entries()) };
          else if (value instanceof Set) value = { '[Set]': Array.from(value.values()) };
          seen[seen.length] = value;
        }
        return value;
      }, 2);
    } catch (e) {
      text = String(v);
    }
    return text === undefined ? String(v) : text;
  }
  function print() {
    var parts = [];
    for (var i = 0; i < arguments.length; i++) parts[i] = formatValue(arguments[i]);
    var text = parts.join(' ') + '\n';
    var dropped = 0;
    if (text.length > config.maxPrintChars) {
      dropped = text.length - config.maxPrintChars;
      text = text.slice(0, config.maxPrintChars);
    }
    callSync('print', [text, dropped]);
  }

  // ---- FINAL ---------------------------------------------------------------------------------------------
  function FINAL(answer) {
    if (answer instanceof PromiseCtor) fail('FINAL(answer)', 'got a Promise — did you forget await?');
    if (answer === undefined) fail('FINAL(answer)', 'needs an answer (a string, or a value to show as JSON)');
    var text = typeof answer === 'string' ? answer : formatValue(answer);
    callSync('final', [text]);
  }

  // ---- context -------------------------------------------------------------------------------------------
  /** An array of hits that also carries the search's total/truncated (non-index properties), printed compactly. */
  function hitList(r) {
    var hits = r.hits;
    for (var key in r) {
      if (key !== 'hits') Object.defineProperty(hits, key, { value: r[key], enumerable: false, writable: true });
    }
    grepResults.add(hits);
    return hits;
  }
  var filesCache;
  var context = {
    get root() { return config.root; },
    get length() { return config.length; },
    get files() {
      if (!filesCache) filesCache = callSync('files', []);
      return filesCache;
    },
    tree: function tree(dir, depth) {
      var sig = 'context.tree(dir?, depth?)';
      if (dir !== undefined && dir !== null) checkString(sig, 'dir', dir);
      if (depth !== undefined && !(typeof depth === 'number' && depth >= 0)) fail(sig, 'depth must be a number >= 0, got ' + describe(depth));
      return callSync('tree', [dir === null ? undefined : dir, depth]);
    },
    read: function read(path, opts) {
      var sig = 'context.read(path, {start, end, numbered}?)';
      checkString(sig, 'path', path);
      var o = checkOptions(sig, opts, { start: 'integer', end: 'integer', numbered: 'boolean' });
      return callAsync('context.read', [path, { start: o.start, end: o.end }]).then(function (r) {
        if (!o.numbered) return r.text;
        var lines = r.text.split('\n');
        if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
        return lines.map(function (line, i) { return (r.startLine + i) + '| ' + line; }).join('\n');
      });
    },
    grep: function grep(pattern, opts) {
      var sig = 'context.grep(pattern, {glob, ignoreCase, fixed, maxResults, before, after, paths, word}?)';
      var regexIgnoresCase = false;
      if (pattern instanceof RegExp) {
        regexIgnoresCase = pattern.flags.indexOf('i') >= 0;
        pattern = pattern.source;
      }
      checkString(sig, 'pattern', pattern);
      var o = checkOptions(sig, opts, {
        glob: 'string|string[]', ignoreCase: 'boolean', fixed: 'boolean', maxResults: 'integer',
        before: 'integer', after: 'integer', paths: 'string|string[]', word: 'boolean',
      });
      if (typeof o.paths === 'string') o.paths = [o.paths];
      if (regexIgnoresCase && o.ignoreCase === undefined) o.ignoreCase = true;
      return callAsync('context.grep', [pattern, o]).then(hitList);
    },
  };
  /** A list the symbol index could not complete yet: an array with partial/note/index, printed with its note. */
  function partialList(r) {
    var items = r.items;
    for (var key in r) {
      if (key !== 'items') Object.defineProperty(items, key, { value: r[key], enumerable: false, writable: true });
    }
    partialResults.add(items);
    return items;
  }
  // Forwarded by name; a {hits, total, truncated} result (references) becomes a hit list like grep's, and a
  // partial {items, partial, note} list an array that says it is partial.
  config.workspaceMethods.forEach(function (name) {
    if (context[name]) return;
    context[name] = function () {
      return callAsync('context.' + name, Array.prototype.slice.call(arguments)).then(function (r) {
        if (r && typeof r === 'object' && isArray(r.items) && r.partial === true) return partialList(r);
        return r && typeof r === 'object' && isArray(r.hits) && typeof r.total === 'number' ? hitList(r) : r;
      });
    };
  });
  Object.freeze(context);

  // ---- sub-model calls -----------------------------------------------------------------------------------
  function llm_query(prompt, opts) {
    var sig = 'llm_query(prompt, {model}?)';
    checkString(sig, 'prompt', prompt);
    var o = checkOptions(sig, opts, { model: 'string' });
    return callAsync('host.llm_query', o.model === undefined ? [prompt] : [prompt, o]);
  }
  function llm_batch(prompts, opts) {
    var sig = 'llm_batch(prompts, {model}?)';
    if (!isArray(prompts)) fail(sig, 'prompts must be an array of strings, got ' + describe(prompts));
    for (var i = 0; i < prompts.length; i++) {
      if (typeof prompts[i] !== 'string') fail(sig, 'prompts[' + i + '] must be a string, got ' + describe(prompts[i]));
    }
    var o = checkOptions(sig, opts, { model: 'string' });
    return callAsync('host.llm_batch', o.model === undefined ? [prompts] : [prompts, o]);
  }
  function rlm_query(prompt, opts) {
    var sig = 'rlm_query(prompt, {paths, text}?)';
    checkString(sig, 'prompt', prompt);
    var o = checkOptions(sig, opts, { paths: 'string|string[]', text: 'string' });
    if (typeof o.paths === 'string') o.paths = [o.paths];
    return callAsync('host.rlm_query', o.paths === undefined && o.text === undefined ? [prompt] : [prompt, o]);
  }

  var api = {
    context: context, print: print, FINAL: FINAL, FINAL_VAR: FINAL,
    llm_query: llm_query, llm_batch: llm_batch, rlm_query: rlm_query,
    console: { log: print, info: print, warn: print, error: print, debug: print },
  };
  config.extraHostFunctions.forEach(function (name) {
    api[name] = function () { return callAsync('host.' + name, Array.prototype.slice.call(arguments)); };
  });
  for (var name in api) {
    Object.defineProperty(g, name, { value: api[name], writable: true, configurable: true, enumerable: false });
  }
})();
`;
