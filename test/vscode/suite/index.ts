// Entry of the integration tests that run inside the real extension host (the extensionTestsPath route):
// VS Code calls run(); the extension host exits with 0 when it resolves, 1 when it rejects.
import { runAll } from './runner';
import { testInfo } from './info';
import './extension.suite';
import './trajectory.suite';

export async function run(): Promise<void> {
  const results = await runAll(testInfo.resultsFile);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`RLMTEST-DONE ${results.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} integration test(s) failed`);
}
