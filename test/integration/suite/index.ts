/**
 * Entry point VS Code loads as `extensionTestsPath`: runs the integration tests in the extension host, writes the
 * counts to $TINYML_IT_RESULTS for run.ts, and rejects when a test failed (VS Code then exits with code 1).
 */
import fs from 'node:fs';
import { arenaTests } from './arena-tests';
import { compareTests } from './compare-tests';
import { exportTests } from './export-tests';
import { graphTests } from './graph-tests';
import { graphNarrowTests } from './graph-narrow-tests';
import { memoryPlanTests } from './memory-plan-tests';
import { fitTests } from './fit-tests';
import { inspectorTests } from './inspector-tests';
import { quantizeTests } from './quantize-tests';
import { runSuite } from './runner';

export async function run(): Promise<void> {
  // Every suite is built before any test runs: the inspector suite notes then whether startup activated the extension.
  const { tests, measurements } = inspectorTests();
  const results = await runSuite([...tests, ...arenaTests(), ...exportTests(), ...quantizeTests(), ...graphTests(), ...graphNarrowTests(), ...memoryPlanTests(), ...compareTests(), ...fitTests()]);
  results.activationMs = measurements.activationMs;
  const file = process.env.TINYML_IT_RESULTS;
  if (file) fs.writeFileSync(file, JSON.stringify(results, null, 1));
  else console.log('TINYML_IT_RESULTS is not set: results not written');
  console.log(`integration suite: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  if (results.failed > 0) throw new Error(`${results.failed} integration test(s) failed`);
}
