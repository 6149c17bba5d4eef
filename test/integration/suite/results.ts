/** The integration suite's results file, written by the suite inside VS Code and read by run.ts outside it. */
export interface TestOutcome {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  /** Failure message or skip reason. */
  detail?: string;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  skipped: number;
  /** Time of `extension.activate()` as measured from the test, including loading dist/extension.js. */
  activationMs?: number;
  tests: TestOutcome[];
}
