// The JavaScript evaluated inside QuickJS before any model code: it defines the sandbox API of design.md
// (context, llm_query, llm_batch, rlm_query, print, console, FINAL, FINAL_VAR) on top of two raw bridges that
// sandboxWorker.ts installs and this code removes from the global object:
//   __rlm_sync(name, argsJson)  -> replyJson            (print, FINAL, context.files/tree: answered at once)
//   __rlm_async(name, argsJson) -> Promise<replyJson>   (workspace reads/searches, host functions)
// A reply is {ok, value} or {ok: false, error}; failures become ordinary Errors thrown in the sandbox.
// Arguments cross as JSON made inside the sandbox, so getters/proxies run as sandbox code and the host only
// ever sees a string; values JSON cannot carry (a Promise, a RegExp) are encoded so the worker's checker
// (apiSchema.ts, from the API tables) can name them. The helpers themselves are generated from those tables.

/** Configuration the prelude reads from globalThis.__rlm_config (JSON), then deletes. */
export interface PreludeConfig {
  root: string;
  length: number;
  /** Host functions to expose as globals (llm_query, llm_batch, rlm_query, rlm_batch ...), checked by the worker. */
  hostFunctions: string[];
  /** context.<name>(...args), from CONTEXT_API (contextApi.ts); sync ones answer at once. */
  contextHelpers: { name: string; sync: boolean }[];
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
    throw reply.name === 'TypeError' ? new TypeErrorCtor(reply.error) : new ErrorCtor(reply.error);
  }
  // Values JSON cannot carry, as the worker's argument checker understands them.
  function encodeValue(v) {
    if (v instanceof PromiseCtor) return { __rlm_value: 'a Promise — did you forget await?' };
    if (v instanceof RegExp) return { __rlm_regexp: v.source, flags: v.flags };
    if (typeof v === 'function') return { __rlm_value: 'a function' };
    if (typeof v === 'symbol' || typeof v === 'bigint') return { __rlm_value: 'a ' + typeof v };
    return v;
  }
  function encodeArgs(list) {
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var v = encodeValue(list[i]);
      if (v && typeof v === 'object' && !isArray(v) && !hasOwn(v, '__rlm_value') && !hasOwn(v, '__rlm_regexp')) {
        var o = {};
        var keys = objectKeys(v);
        for (var k = 0; k < keys.length; k++) o[keys[k]] = encodeValue(v[keys[k]]);
        v = o;
      } else if (isArray(v)) {
        v = v.map(encodeValue);
      }
      out[i] = v;
    }
    return out;
  }
  function callSync(name, args) { return unwrap(syncBridge(name, stringify(args))); }
  function callAsync(name, args) {
    var json;
    try { json = stringify(args); } catch (e) { return PromiseCtor.reject(e); }
    return asyncBridge(name, json).then(unwrap);
  }

  function fail(signature, what) { throw new TypeErrorCtor(signature + ': ' + what); }

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

  // ---- FINAL -----------------------------------------------------------------------------------------
  function FINAL(answer) {
    if (answer instanceof PromiseCtor) fail('FINAL(answer)', 'got a Promise — did you forget await?');
    if (answer === undefined) fail('FINAL(answer)', 'needs an answer (a string, or a value to show as JSON)');
    var text = typeof answer === 'string' ? answer : formatValue(answer);
    callSync('final', [text]);
  }
  // The official meaning: the value of the variable with that name. Given the value itself (FINAL_VAR(report)
  // without quotes), that value is the answer, as the official library's text form would have it.
  function FINAL_VAR(name) {
    if (typeof name === 'string' && /^\s*[A-Za-z_$][\w$]*\s*$/.test(name)) {
      var key = name.trim();
      if (!userVariable(key)) {
        var names = userVariableNames();
        throw new ErrorCtor('FINAL_VAR("' + key + '"): there is no variable named ' + key + '. ' +
          (names.length ? 'Variables defined: ' + names.slice(0, 20).join(', ') + '. ' : 'No variables are defined. ') +
          'Pass a variable\'s name as a string, or call FINAL(value) with the answer itself.');
      }
      return FINAL(g[key]);
    }
    return FINAL(name);
  }

  // ---- variables -----------------------------------------------------------------------------------------
  var baseline = null;
  function userVariable(key) { return hasOwn(g, key) && baseline !== null && !hasOwn(baseline, key) && key.indexOf('__rlm') !== 0; }
  function userVariableNames() { return Object.getOwnPropertyNames(g).filter(userVariable); }
  function sizeOf(v) {
    if (typeof v === 'string') return v.length + ' chars';
    if (isArray(v)) return v.length + ' items';
    if (v instanceof Map || v instanceof Set) return v.size + ' entries';
    if (v && typeof v === 'object') return objectKeys(v).length + ' keys';
    return '';
  }
  function typeOf(v) {
    if (v === null) return 'null';
    if (isArray(v)) return 'array';
    if (v instanceof PromiseCtor) return 'Promise';
    if (v instanceof Map) return 'Map';
    if (v instanceof Set) return 'Set';
    return typeof v;
  }
  /** The model's own globals, for the note after each turn (read by the worker). */
  function describeVariables() {
    return stringify(userVariableNames().map(function (key) {
      var d = Object.getOwnPropertyDescriptor(g, key);
      if (!d || !('value' in d)) return { name: key, type: 'getter', size: '' };
      var v = d.value;
      return { name: key, type: typeOf(v), size: sizeOf(v) };
    }));
  }

  // ---- context -------------------------------------------------------------------------------------------
  /** An array of hits that also carries the search's total/truncated (non-index properties), printed compactly. */
  function hitList(r) {
    if (!(r && typeof r === 'object' && isArray(r.hits) && typeof r.total === 'number')) return r;
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
  /** What sandbox code receives: a partial list or a hit list as an array that carries its marks. */
  function shapeResult(r) {
    if (r && typeof r === 'object' && isArray(r.items) && r.partial === true) return partialList(r);
    return hitList(r);
  }
  // Generated from the table: every helper forwards its arguments; the worker checks them against their schema.
  config.contextHelpers.forEach(function (h) {
    var call = 'context.' + h.name;
    context[h.name] = h.sync
      ? function () { return callSync(call, encodeArgs(arguments)); }
      : function () {
          var args;
          try { args = encodeArgs(arguments); } catch (e) { return PromiseCtor.reject(e); }
          return callAsync(call, args).then(shapeResult);
        };
  });
  Object.freeze(context);

  var api = {
    context: context, print: print, FINAL: FINAL, FINAL_VAR: FINAL_VAR,
    console: { log: print, info: print, warn: print, error: print, debug: print },
  };
  config.hostFunctions.forEach(function (name) {
    api[name] = function () { return callAsync('host.' + name, encodeArgs(arguments)); };
  });
  for (var name in api) {
    Object.defineProperty(g, name, { value: api[name], writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(g, '__rlm_variables', { value: describeVariables, writable: false, configurable: false, enumerable: false });
  baseline = {};
  Object.getOwnPropertyNames(g).forEach(function (key) { baseline[key] = true; });
})();
`;
