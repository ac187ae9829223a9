// A node:test reporter that writes the run's counts (and the names of skipped tests) as one JSON object, so
// scripts/test.mjs can print one summary line per suite and, under CI, fail a run that skipped anything.
export default async function* testSummary(source) {
  const summary = { passed: 0, failed: 0, skipped: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, file, skip, todo, details } = event.data;
    if (details?.type === 'suite') continue;
    if (skip !== undefined || todo !== undefined) summary.skipped.push(`${file ?? ''}: ${name} (${skip || todo || 'skipped'})`);
    else if (event.type === 'test:pass') summary.passed++;
    else summary.failed++;
  }
  yield JSON.stringify(summary);
}
