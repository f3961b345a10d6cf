/**
 * Clean stops of training commands (src/cli/stop-signals.ts): SIGINT or SIGTERM aborts the run's signal, and the
 * handlers are gone after the run, whether it returned or threw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStoppable } from '../../src/cli/stop-signals.js';

test('runStoppable: SIGINT and SIGTERM abort the signal; handlers are removed after the run returns or throws', async () => {
  const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    const result = await runStoppable('stopping', async (signal) => {
      assert.equal(signal.aborted, false);
      assert.equal(process.listenerCount(name), before[name === 'SIGINT' ? 0 : 1]! + 1);
      process.emit(name);
      return signal.aborted;
    });
    assert.equal(result, true, name);
  }
  await assert.rejects(runStoppable('stopping', async () => {
    throw new Error('run failed');
  }), /run failed/);
  assert.deepEqual([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], before);
});
