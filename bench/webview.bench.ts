// How fast the trajectory panel paints big trajectories, in headless Chromium, loading the built dist/webview.js
// under the panel's real CSP. Prints milliseconds and pass/fail against the 1,000 ms budget (5,000 nodes must
// pass; 50,000 must stay usable: paint, expand all, filter, scroll each under the budget).
// Run: node --import tsx bench/webview.bench.ts [nodes...]      (default: 5000 50000)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openPanelPage, timeToPaint, ROOT } from '../test/webview/browserPage';
import { syntheticTrajectory } from '../test/webview/fixtures';
import { TrajectoryTree } from '../src/webview/model/tree';
import { Expansion, visibleRows } from '../src/webview/model/rows';
import { encodeEvents } from '../src/webview/protocol';

const BUDGET_MS = 1000;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const runs = sizes.length ? sizes : [5000, 50000];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const verdict = (ms: number) => (ms < BUDGET_MS ? 'PASS' : 'FAIL');

async function main(): Promise<void> {
  const panel = await openPanelPage({ width: 1200, height: 900 });
  const { page } = panel;
  let failed = false;
  try {
    for (const nodes of runs) {
      const events = syntheticTrajectory(nodes);
      // The same work in node, without the browser: tree building and row flattening alone.
      const t0 = performance.now();
      const tree = new TrajectoryTree(events);
      const expansion = new Expansion();
      expansion.expandAll();
      const rowCount = visibleRows(tree, expansion).length;
      const modelMs = performance.now() - t0;

      const paints: number[] = [];
      for (let i = 0; i < 3; i++) {
        paints.push(await timeToPaint(page, { type: 'init', info: { source: { kind: 'file', path: `bench-${nodes}-${i}.jsonl` }, live: false }, events: encodeEvents(events) }));
      }
      const paint = median(paints);
      const click = (id: string) => page.evaluate((sel) => new Promise<number>((done) => {
        const t = performance.now();
        (document.getElementById(sel) as HTMLElement).click();
        requestAnimationFrame(() => setTimeout(() => done(performance.now() - t), 0));
      }), id);
      const expandAll = await click('expand-all');
      const filter = await page.evaluate(() => new Promise<number>((done) => {
        const field = document.getElementById('filter') as HTMLInputElement;
        const t = performance.now();
        field.value = 'fn1234';
        field.dispatchEvent(new Event('input'));
        // The filter waits 120 ms for typing to pause; measure from the moment it applies.
        const poll = () => (document.getElementById('count')!.textContent!.includes('matches') ? requestAnimationFrame(() => setTimeout(() => done(performance.now() - t - 120), 0)) : setTimeout(poll, 5));
        poll();
      }));
      await page.evaluate(() => {
        const field = document.getElementById('filter') as HTMLInputElement;
        field.value = '';
        field.dispatchEvent(new Event('input'));
      });
      await page.waitForFunction(() => document.getElementById('count')!.textContent!.includes('steps'));
      const scroll = await page.evaluate(() => new Promise<number>((done) => {
        const tree = document.getElementById('tree')!;
        const t = performance.now();
        let n = 0;
        const step = () => {
          tree.scrollTop = (tree.scrollHeight * n) / 20;
          if (++n > 20) return setTimeout(() => done((performance.now() - t) / 20), 0);
          requestAnimationFrame(step);
        };
        step();
      }));
      const domRows = await page.evaluate(() => document.querySelectorAll('.row:not([hidden])').length);
      const size = await page.evaluate(() => document.getElementById('count')!.textContent);

      mkdirSync(join(ROOT, 'test-results/webview-bench'), { recursive: true });
      await page.screenshot({ path: join(ROOT, `test-results/webview-bench/webview-${nodes}.png`) });

      console.log(`webview ${nodes} nodes (${size}, ${rowCount} rows expanded, ${domRows} row elements in the DOM)`);
      console.log(`  tree+rows in node:        ${modelMs.toFixed(0)} ms`);
      console.log(`  first paint (median of 3): ${paint.toFixed(0)} ms  [${paints.map((p) => p.toFixed(0)).join(', ')}]  ${verdict(paint)} vs ${BUDGET_MS} ms`);
      console.log(`  expand all:                ${expandAll.toFixed(0)} ms  ${verdict(expandAll)}`);
      console.log(`  filter (after debounce):   ${filter.toFixed(0)} ms  ${verdict(filter)}`);
      console.log(`  scroll, per frame:         ${scroll.toFixed(1)} ms`);
      console.log(`  paint / budget ratio:      ${(paint / BUDGET_MS).toFixed(2)}`);
      if (paint >= BUDGET_MS || expandAll >= BUDGET_MS || filter >= BUDGET_MS) failed = true;
    }
    const violations = await panel.violations();
    console.log(violations.length ? `CSP violations: ${violations.join('; ')}` : 'CSP violations: none');
    if (violations.length) failed = true;
  } finally {
    await panel.close();
  }
  console.log(failed ? 'webview bench: FAIL' : 'webview bench: PASS');
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
