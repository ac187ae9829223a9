// A tiny test runner for inside the extension host (mocha is not a dependency): tests run one after another,
// each result is logged as a line the harness parses and written to a results file.
import { writeFileSync } from 'node:fs';

export interface TestResult {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

type TestFn = () => Promise<void> | void;
const tests: { name: string; fn: TestFn }[] = [];

export function test(name: string, fn: TestFn): void {
  tests.push({ name, fn });
}

/** A hang guard, not a timing assertion: a test that never settles is reported as failed. */
const HANG_GUARD_MS = 180_000;

export async function runAll(resultsFile: string | undefined): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const t of tests) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(t.fn),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no result after ${HANG_GUARD_MS / 1000} s`)), HANG_GUARD_MS);
        }),
      ]);
      results.push({ name: t.name, ok: true, ms: Date.now() - started });
    } catch (error) {
      results.push({ name: t.name, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error), ms: Date.now() - started });
    } finally {
      clearTimeout(timer);
    }
    const r = results[results.length - 1];
    console.log(`RLMTEST ${JSON.stringify(r)}`);
    if (resultsFile) writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  }
  return results;
}
