/**
 * The arena plan of a big model reaches the page only when the Memory tab asks for it (code-server): the details of
 * a generated 5,000-operator model arrive without it, the Memory tab says it is reading the plan, asks, and draws
 * one rectangle per planned buffer of the arena estimate.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { estimateArena } from '../../../src/core/arena';
import { writeModel } from '../../../src/core/tflite';
import { branchingModel } from '../../helpers/graph-models';
import { nextReport, openAndPaint, workspaceFile } from './inspector-tests';
import type { TestCase } from './runner';
import { activated } from './tinyml-api';

export function memoryPlanTests(): TestCase[] {
  return [
    {
      name: 'inspector: a 5,000-operator model\'s arena plan is sent when the Memory tab asks for it, and drawn there',
      timeoutMs: 120_000,
      fn: async () => {
        const api = await activated();
        const uri = workspaceFile('branching_5000_memory.tflite');
        const model = branchingModel(5000);
        fs.writeFileSync(uri.fsPath, writeModel(model));
        const details = nextReport(api, uri, (r) => r.reason === 'details', 60_000);
        await openAndPaint(api, uri, 60_000);
        const d = await details;
        assert.match(d.arenaText, /Minimum/i, 'the arena figures arrived with the details');
        const planned = estimateArena(model).buffers.filter((b) => b.subgraph === 0).length;
        // The first reveal builds the tab, which asks for the plan; later ones read what it drew meanwhile.
        let shown = await api.revealInInspector(uri, { view: 'memory' });
        const deadline = Date.now() + 60_000;
        while (shown.memoryPlan.buffers === 0) {
          assert.ok(Date.now() < deadline, `no arena plan drawn within 60 s: "${shown.memoryPlan.text}"`);
          await new Promise((resolve) => setTimeout(resolve, 200));
          shown = await api.revealInInspector(uri, { view: 'memory' });
        }
        console.log(`    branching 5,000 ops: Memory tab drew ${shown.memoryPlan.buffers} buffers of ${planned} planned`);
        assert.equal(shown.memoryPlan.buffers, planned);
        assert.doesNotMatch(shown.memoryPlan.text, /Reading the arena plan/);
      },
    },
  ];
}
