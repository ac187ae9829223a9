// The foreground gate: background work (the symbol index build) waits while the model's greps and reads run,
// and for QUIET_MS after the last one ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ForegroundGate, QUIET_MS } from '../../src/workspace/foreground';

const settled = async (p: Promise<void>, ms: number): Promise<boolean> =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

test('foreground gate: quiet at first; waits while calls run and for QUIET_MS after the last one', async () => {
  const gate = new ForegroundGate();
  assert.equal(gate.whenQuiet(), undefined, 'nothing ran yet: background work goes on at once');
  const endA = gate.begin();
  const endB = gate.begin();
  const quiet = gate.whenQuiet()!;
  assert.ok(quiet, 'a call is running');
  endA();
  endA(); // ending twice counts once
  assert.equal(await settled(quiet, QUIET_MS * 2), false, 'one call still runs');
  const t0 = Date.now();
  endB();
  assert.equal(await settled(quiet, QUIET_MS * 5), true, 'quiet after the last call');
  assert.ok(Date.now() - t0 >= QUIET_MS - 5, `waited ${Date.now() - t0} ms after the last call ended`);
  assert.equal(gate.whenQuiet(), undefined);
});

test('foreground gate: run() ends the call when the work throws', async () => {
  const gate = new ForegroundGate();
  await assert.rejects(gate.run(async () => { throw new Error('bad pattern'); }), /bad pattern/);
  const quiet = gate.whenQuiet();
  assert.ok(quiet, 'within QUIET_MS of the end');
  assert.equal(await settled(quiet, QUIET_MS * 5), true, 'not left running by the error');
});
