import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunRegistry } from '../../src/vscode/runRegistry';

describe('RunRegistry', () => {
  it('creates runs with unique ids, finds them, tells listeners', () => {
    const registry = new RunRegistry();
    const seen: string[] = [];
    registry.onDidCreate((run) => seen.push(run.id));
    const a = registry.create('first?', 'palette');
    const b = registry.create('second?', 'chat');
    assert.notEqual(a.id, b.id);
    assert.equal(registry.get(a.id), a);
    assert.equal(registry.origin(b.id), 'chat');
    assert.equal(registry.last(), b);
    assert.deepEqual(seen, [a.id, b.id]);
  });

  it('forgets the oldest finished runs beyond its limit, never running ones', () => {
    const registry = new RunRegistry(2);
    const running = registry.create('still going', 'tool');
    const finished = [1, 2, 3].map((i) => {
      const run = registry.create(`q${i}`, 'palette');
      run.finish(undefined, 'failed');
      return run;
    });
    registry.create('trigger prune', 'palette');
    assert.ok(registry.get(running.id));
    assert.equal(registry.get(finished[0].id), undefined);
    assert.ok(registry.get(finished[1].id) && registry.get(finished[2].id));
  });

  it('cancelAll aborts the runs still going', () => {
    const registry = new RunRegistry();
    const run = registry.create('q', 'chat');
    registry.cancelAll();
    assert.equal(run.signal.aborted, true);
  });
});
