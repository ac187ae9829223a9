// No child process outlives what started it: the registry that deactivate() and process exit use, and a sandbox
// worker torn down mid-search (what cancelling a run in VS Code does) with its ripgrep processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { killChildren, liveChildren, trackChild } from '../../src/workspace/childProcesses';
import { findRipgrep } from '../../src/workspace/ripgrep';
import { createSandbox } from '../../src/rlm/sandbox/sandbox';
import { childPids, commandName, isRunning } from '../support/processTable';
import { makeTree } from './helpers';

const rg = findRipgrep();

test('killChildren (deactivate, process exit) kills every tracked process, even one blocked forever', { skip: !rg }, async () => {
  const dir = makeTree({});
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  // rg reading a FIFO nobody writes to never ends by itself.
  const child = trackChild(spawn(rg!, ['anything', fifo], { stdio: 'ignore' }));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  assert.ok(liveChildren().includes(child.pid!));
  killChildren();
  await exited;
  assert.equal(isRunning(child.pid!), false);
  assert.deepEqual(liveChildren(), []);
});

test('a sandbox disposed while its searches run (a cancelled run, a closing extension) leaves no ripgrep behind', { skip: !rg, timeout: 60_000 }, async () => {
  const line = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi\n';
  const files: Record<string, string> = {};
  for (let f = 0; f < 6; f++) files[`part${f}.txt`] = line.repeat(18_000);
  const sandbox = await createSandbox({ workspace: { roots: [{ name: 'big', path: makeTree(files) }] }, hostFunctions: {} });
  const frozen = new Set<number>();
  const running = sandbox.exec(`for (let r = 0; r < 400; r++) await Promise.all(Array.from({ length: 16 }, (_, i) => context.grep('nothing_' + r + '_' + i)));`);
  try {
    // Freeze each rg as it appears: it can then only end by being killed.
    for (const started = Date.now(); frozen.size < 1 && Date.now() - started < 30_000; await new Promise((r) => setImmediate(r))) {
      for (const pid of childPids(process.pid)) {
        if (commandName(pid) !== 'rg' || frozen.has(pid)) continue;
        try {
          process.kill(pid, 'SIGSTOP');
          frozen.add(pid);
        } catch {
          // ended before we got to it
        }
      }
    }
    assert.ok(frozen.size >= 1, 'a search was caught running');
    // The worker records a pid right after spawn() returns; give it that moment (a dispose within microseconds of
    // a spawn is the one window this cannot close: the thread is stopped before it knows its child).
    for (let i = 0; i < 100 && ![...frozen].every((pid) => liveChildren().includes(pid) || !isRunning(pid)); i++) await new Promise((r) => setTimeout(r, 5));
    await sandbox.dispose();
    await running.catch(() => undefined);
    for (const pid of frozen) {
      for (let i = 0; i < 50 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(isRunning(pid), false, `ripgrep ${pid} outlived its sandbox`);
    }
  } finally {
    for (const pid of frozen) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});
