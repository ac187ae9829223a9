// Facts the harness bakes into the suite bundle at build time (esbuild define): where the scripted model server
// listens, where to write results, which files hold the user and workspace settings.
export interface TestInfo {
  serverUrl: string;
  resultsFile: string;
  workspace: string;
  userSettingsFile: string;
  extensionId: string;
}

declare const __RLM_TEST_INFO__: TestInfo;
export const testInfo: TestInfo = __RLM_TEST_INFO__;
