import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, describeProblems, fromOfficialLog, parseAnyTrajectory, parseTrajectory, serializeTrajectory, toOfficialLog } from '../../src/rlm/trajectoryFormats';
import type { TrajectoryEvent } from '../../src/rlm/events';
import { smallTrajectory } from './fixtures';

const byId = (events: readonly TrajectoryEvent[]) => [...events].sort((a, b) => a.id.localeCompare(b.id));

test('our JSONL round-trips exactly', () => {
  const events = smallTrajectory();
  const text = serializeTrajectory(events);
  assert.equal(text.trim().split('\n').length, events.length);
  const parsed = parseTrajectory(text);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.events, events);
});

test('a damaged JSONL file keeps every good line and says which lines are bad and why', () => {
  const lines = serializeTrajectory(smallTrajectory()).trim().split('\n');
  lines[2] = lines[2].slice(0, 25); // cut mid-object (a crash while writing)
  lines.splice(5, 0, '{"type":"mystery","id":"x","runId":"r","time":1}');
  lines.splice(8, 0, '[1,2,3]');
  lines.push('{"type":"iteration","runId":"r0","time":1}');
  lines.push('');
  const parsed = parseTrajectory(lines.join('\r\n'));
  assert.equal(parsed.events.length, smallTrajectory().length - 1, 'all intact events are kept');
  assert.deepEqual(parsed.problems.map((p) => p.line), [3, 6, 9, lines.length - 1]);
  assert.match(parsed.problems[0].message, /not valid JSON/);
  assert.match(parsed.problems[1].message, /unknown event type "mystery"/);
  assert.match(parsed.problems[2].message, /not a JSON object/);
  assert.match(parsed.problems[3].message, /iteration event without an "id"/);
  assert.match(describeProblems(parsed.problems), /^4 lines could not be read: line 3: not valid JSON.*; and 1 more$/);
});

test('official log export: the shape the rlm visualizer reads', () => {
  const events = smallTrajectory();
  const lines = toOfficialLog(events).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].type, 'metadata');
  assert.equal(lines[0].root_model, 'gpt-4o-mini');
  assert.equal(lines[0].max_iterations, 20);
  const iterations = lines.slice(1);
  assert.equal(iterations.length, 2, 'one line per root iteration (child runs live inside sub-calls)');
  for (const it of iterations) {
    assert.equal(it.type, 'iteration');
    assert.ok(Array.isArray(it.prompt) && it.prompt.every((m: { role: string; content: string }) => typeof m.role === 'string' && typeof m.content === 'string'));
    assert.ok(Array.isArray(it.code_blocks));
    assert.equal(typeof it.timestamp, 'string');
    for (const block of it.code_blocks) {
      assert.equal(typeof block.code, 'string');
      for (const key of ['stdout', 'stderr', 'execution_time', 'locals', 'rlm_calls']) assert.ok(key in block.result, key);
    }
  }
  const [first, second] = iterations;
  assert.equal(first.iteration, 1);
  assert.match(first.response, /Let me search/);
  assert.equal(first.code_blocks[0].result.stdout, '[{"path":"src/cache.ts","line":42}]');
  assert.equal(first.code_blocks[0].result.rlm_calls.length, 2);
  const call = first.code_blocks[0].result.rlm_calls[0];
  assert.deepEqual([call.prompt, call.response, call.prompt_tokens, call.completion_tokens, call.execution_time], ['Summarize invalidate()', 'It deletes the key.', 300, 20, 0.4]);
  assert.deepEqual(call.usage_summary.model_usage_summaries['gpt-4o-mini'], { total_calls: 1, total_input_tokens: 300, total_output_tokens: 20 });
  assert.equal(first.final_answer, null);
  assert.equal(second.code_blocks[0].result.stderr, 'ReferenceError: answer is not defined');
  assert.match(second.final_answer, /^The cache is invalidated in/);
  assert.equal(second.iteration_time, 0.7);
});

test('official log export re-opens losslessly (evidence, child runs and citations included)', () => {
  const events = smallTrajectory();
  const text = toOfficialLog(events);
  assert.equal(detectFormat(text), 'rlm-official');
  const back = parseAnyTrajectory(text);
  assert.equal(back.format, 'rlm-official');
  assert.deepEqual(back.problems, []);
  assert.deepEqual(byId(back.events), byId(events));
});

test('a log written by the official rlm project opens as one run', () => {
  // The shape rlm/logger/rlm_logger.py writes: metadata, run_context, then iterations.
  const log = [
    { type: 'metadata', timestamp: '2025-01-01T10:00:00', root_model: 'gpt-5', max_depth: 1, max_iterations: 30, backend: 'openai', backend_kwargs: { model_name: 'gpt-5' }, environment_type: 'local', environment_kwargs: {}, other_backends: ['gpt-5-mini'] },
    { type: 'run_context', timestamp: '2025-01-01T10:00:00', prompt: 'ctx', root_prompt: null },
    {
      type: 'iteration', iteration: 1, timestamp: '2025-01-01T10:00:05',
      prompt: [{ role: 'system', content: 'You are an RLM.' }, { role: 'user', content: 'How many cats are in the context?' }],
      response: 'Counting.\n```repl\nprint(len(context))\n```',
      code_blocks: [{ code: 'print(len(context))', result: { stdout: '42\n', stderr: '', locals: { x: 1 }, execution_time: 0.25, rlm_calls: [
        { root_model: 'gpt-5-mini', prompt: 'count cats', response: '3 cats', usage_summary: { model_usage_summaries: { 'gpt-5-mini': { total_calls: 1, total_input_tokens: 120, total_output_tokens: 4 } } }, execution_time: 1.5 },
      ] } }],
      final_answer: null, iteration_time: 2.0,
    },
    { type: 'iteration', iteration: 2, timestamp: '2025-01-01T10:00:09', prompt: [], response: 'FINAL(3)', code_blocks: [{ code: 'x = ', result: { stdout: '', stderr: 'SyntaxError: invalid syntax', locals: {}, execution_time: 0.01, rlm_calls: [] } }], final_answer: ['FINAL', '3 cats'], iteration_time: 1.0 },
  ].map((l) => JSON.stringify(l)).join('\n');
  const parsed = fromOfficialLog(log);
  assert.deepEqual(parsed.problems, []);
  const ev = parsed.events;
  const start = ev.find((e) => e.type === 'run_start');
  assert.ok(start?.type === 'run_start');
  assert.equal(start.question, 'How many cats are in the context?');
  assert.equal(start.model, 'gpt-5');
  assert.equal(start.subModel, 'gpt-5-mini');
  assert.deepEqual(ev.filter((e) => e.type === 'iteration').map((e) => e.type === 'iteration' && e.iteration), [1, 2]);
  const codes = ev.filter((e) => e.type === 'code');
  assert.equal(codes.length, 2);
  assert.ok(codes[1].type === 'code' && codes[1].error === 'SyntaxError: invalid syntax');
  const sub = ev.find((e) => e.type === 'subcall');
  assert.ok(sub?.type === 'subcall');
  assert.deepEqual([sub.prompt, sub.response, sub.model, sub.usage, sub.durationMs, sub.parentId], ['count cats', '3 cats', 'gpt-5-mini', { inputTokens: 120, outputTokens: 4 }, 1500, codes[0].id]);
  const final = ev.find((e) => e.type === 'final');
  assert.ok(final?.type === 'final' && final.answer === '3 cats', 'the [type, answer] form is understood');
  const end = ev.find((e) => e.type === 'run_end');
  assert.ok(end?.type === 'run_end');
  assert.deepEqual([end.stopReason, end.iterations, end.subCalls, end.durationMs], ['final', 2, 1, 3000]);
});

test('official log with damaged lines keeps the rest', () => {
  const good = toOfficialLog(smallTrajectory()).trim().split('\n');
  const text = [good[0], '{not json', good[1], '"a string"', good[2]].join('\n');
  const parsed = parseAnyTrajectory(text);
  assert.deepEqual(parsed.problems.map((p) => p.line), [2, 4]);
  assert.deepEqual(byId(parsed.events), byId(smallTrajectory()));
});
