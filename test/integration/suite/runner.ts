/**
 * A minimal sequential test runner for the extension host: named tests, a timeout each, skips with a reason, counts.
 * (node:test cannot run inside VS Code's extension host, and the suite is small.) Every test sets up what it needs,
 * so TINYML_IT_GREP=<text> runs only the tests whose name contains it, and TINYML_IT_SHUFFLE=<seed> runs them in a
 * seeded random order.
 */
import { mulberry32 } from '../../../src/core/common/seeded-random';
import type { SuiteResults, TestOutcome } from './results';

export class Skip extends Error {}

export interface TestCase {
  name: string;
  fn: () => Promise<void> | void;
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The tests to run, in the order to run them: filtered by TINYML_IT_GREP, shuffled by TINYML_IT_SHUFFLE. */
export function selectTests(tests: readonly TestCase[], env: NodeJS.ProcessEnv = process.env): TestCase[] {
  const grep = env['TINYML_IT_GREP'];
  const chosen = grep ? tests.filter((t) => t.name.includes(grep)) : [...tests];
  const seed = env['TINYML_IT_SHUFFLE'];
  if (seed) {
    const random = mulberry32(Number(seed) || 1);
    for (let i = chosen.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
    }
  }
  return chosen;
}

export async function runSuite(all: TestCase[]): Promise<SuiteResults> {
  const outcomes: TestOutcome[] = [];
  const tests = selectTests(all);
  if (tests.length !== all.length || process.env['TINYML_IT_SHUFFLE']) {
    console.log(`running ${tests.length} of ${all.length} tests${process.env['TINYML_IT_SHUFFLE'] ? `, shuffled (seed ${process.env['TINYML_IT_SHUFFLE']})` : ''}`);
  }
  for (const t of tests) {
    const started = Date.now();
    let outcome: TestOutcome;
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeoutMs ?? 30_000, t.name);
      outcome = { name: t.name, status: 'passed', ms: Date.now() - started };
    } catch (err) {
      const detail = err instanceof Error ? (err instanceof Skip ? err.message : err.stack ?? err.message) : String(err);
      outcome = { name: t.name, status: err instanceof Skip ? 'skipped' : 'failed', ms: Date.now() - started, detail };
    }
    outcomes.push(outcome);
    const mark = { passed: 'ok', failed: 'not ok', skipped: 'skip' }[outcome.status];
    console.log(`${mark} - ${t.name} (${outcome.ms} ms)${outcome.detail ? `\n    ${outcome.detail.replace(/\n/g, '\n    ')}` : ''}`);
  }
  const count = (s: TestOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), tests: outcomes };
}
