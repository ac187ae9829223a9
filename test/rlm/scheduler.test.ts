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

test('budget: sub-calls and tokens cross their limits once, with a reason', () => {
  const b = new Budget({ ...DEFAULT_LIMITS, maxSubCalls: 2, maxInputTokens: 100 });
  b.takeSubCall();
  b.takeSubCall();
  assert.throws(() => b.takeSubCall(), /sub-call budget of 2/);
  assert.equal(b.exceeded?.reason, 'max_sub_calls');
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
