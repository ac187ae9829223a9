import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from '../../src/rlm/scheduler';
import { Budget } from '../../src/rlm/budget';
import { DEFAULT_LIMITS } from '../../src/rlm/types';
import { truncateMiddle } from '../../src/rlm/truncate';

test('never runs more than the concurrency limit at once, and runs everything', async () => {
  const s = new Scheduler(3, new AbortController().signal);
  let active = 0;
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      s.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return i;
      }),
    ),
  );
  assert.equal(peak, 3);
  assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i));
});

test('cancelling rejects queued tasks at once', async () => {
  const c = new AbortController();
  const s = new Scheduler(1, c.signal);
  const first = s.run(() => new Promise((r) => setTimeout(r, 50)));
  const queued = s.run(async () => 'never');
  c.abort(new Error('stop'));
  await assert.rejects(queued, /stop/);
  await first;
});

test('budget: a spent sub-call budget refuses calls without ending the run; tokens end it, with a reason', () => {
  const b = new Budget({ ...DEFAULT_LIMITS, maxSubCalls: 2, maxInputTokens: 100 });
  b.takeSubCall();
  assert.throws(() => b.checkBatch('llm_batch of 3', 3), /llm_batch of 3 needs 3 sub-calls, 1 left \(of 2\): nothing was started/);
  assert.equal(b.subCalls, 1, 'a refused batch reserves nothing');
  b.takeSubCall();
  assert.throws(() => b.takeSubCall(), /sub-call budget of 2 is spent/);
  assert.equal(b.exceeded, undefined, 'the run goes on: the model can still read, grep and answer');
  const t = new Budget({ ...DEFAULT_LIMITS, maxInputTokens: 100 });
  t.addUsage({ inputTokens: 101, outputTokens: 0 });
  assert.equal(t.exceeded?.reason, 'max_tokens');
});

test('truncation keeps head and tail and says how much was cut', () => {
  const text = 'A'.repeat(1000) + 'B'.repeat(1000);
  const out = truncateMiddle(text, 200);
  assert.ok(out.startsWith('A'.repeat(120)));
  assert.ok(out.endsWith('B'.repeat(80)));
  assert.match(out, /1,800 characters cut/);
  assert.equal(truncateMiddle('short', 200), 'short');
});

test('a rate limit halves the limit (once for calls started under the old limit); it grows back by one per full window of successes, at most once a second', async () => {
  let now = 10_000;
  const s = new Scheduler(16, new AbortController().signal, 1000, () => now);
  assert.equal(s.limit, 16);
  s.rateLimited(0);
  s.rateLimited(0); // a call of the same burst, started before the halving
  assert.equal(s.limit, 8);
  s.rateLimited();
  assert.equal(s.limit, 4);
  for (let i = 0; i < 4; i++) await s.run(async () => i);
  assert.equal(s.limit, 4, 'not within a second of the last change');
  now += 1000;
  await s.run(async () => 0);
  assert.equal(s.limit, 5, 'a full window of successes, a second later');
  now += 1000;
  for (let i = 0; i < 4; i++) await s.run(async () => i);
  assert.equal(s.limit, 5, 'not before a full window at the new limit');
  await s.run(async () => 0);
  assert.equal(s.limit, 6);
  assert.equal(s.rateLimits, 3);
});

test('a task failing with a rate-limit error narrows the limit, and queued tasks then start one by one', async () => {
  const s = new Scheduler(2, new AbortController().signal);
  let active = 0;
  let peakAfter = 0;
  const limited = s.run(async () => {
    throw Object.assign(new Error('429'), { kind: 'rate_limit' });
  });
  await assert.rejects(limited, /429/);
  assert.equal(s.limit, 1);
  await Promise.all(
    Array.from({ length: 4 }, () =>
      s.run(async () => {
        active++;
        peakAfter = Math.max(peakAfter, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
      }),
    ),
  );
  assert.equal(peakAfter, 1);
});
