/**
 * The shared worker-pool plumbing (src/train/worker-fleet.ts with serve-requests.ts on the worker side): replies are
 * matched to requests, drain() keeps job order whichever worker answers, and every failure (a throw in the worker, an
 * unasked exit, a reply of the wrong kind, a failed start) rejects with an InternalError naming the pool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerFleet } from '../../src/train/worker-fleet.js';
import type { TestReply, TestRequest } from './fleet-test-worker.js';

const script = new URL('./fleet-test-worker.js', import.meta.url);

function start(workers: number, mode: 'serve' | 'refuse' = 'serve') {
  const inits = Array.from({ length: workers }, (_, worker) => ({ worker, mode }));
  return WorkerFleet.start<TestRequest, TestReply, (typeof inits)[number]>({ name: 'test', script, inits, exitHint: 'try fewer images' });
}

test('requests get their own replies; drain returns results in job order and uses every worker', async () => {
  const fleet = await start(3);
  try {
    assert.equal(fleet.size, 3);
    const direct = await Promise.all([0, 1, 2].map((w) => fleet.request(w, { kind: 'double', value: 10 + w }, 'double')));
    assert.deepEqual(direct.map((r) => [r.value, r.worker]), [[20, 0], [22, 1], [24, 2]]);
    const jobs = Array.from({ length: 40 }, (_, i) => i);
    const used = new Set<number>();
    const results = await fleet.drain(jobs, async (worker, job) => {
      const reply = await fleet.request(worker, { kind: 'double', value: job }, 'double');
      used.add(reply.worker);
      assert.equal(reply.worker, worker);
      return reply.value;
    });
    assert.deepEqual(results, jobs.map((j) => 2 * j));
    assert.deepEqual([...used].sort(), [0, 1, 2]);
  } finally {
    await fleet.close();
  }
});

test('a throw in the worker rejects only its request; the worker keeps serving', async () => {
  const fleet = await start(1);
  try {
    await assert.rejects(fleet.request(0, { kind: 'throw' }, 'double'), (e: Error) => e.name === 'InternalError' && /^test worker failed: boom\n/.test(e.message));
    assert.equal((await fleet.request(0, { kind: 'double', value: 4 }, 'double')).value, 8);
  } finally {
    await fleet.close();
  }
});

test('a reply of another kind than expected is an InternalError', async () => {
  const fleet = await start(1);
  try {
    await assert.rejects(fleet.request(0, { kind: 'odd' }, 'double'), /unexpected test worker reply/);
  } finally {
    await fleet.close();
  }
});

test('a worker that exits unasked fails its pending requests with the exit code and the hint', async () => {
  const fleet = await start(2);
  try {
    await assert.rejects(fleet.request(1, { kind: 'exit' }, 'double'), (e: Error) => e.name === 'InternalError' && e.message === 'test worker exited (code 3); try fewer images');
    assert.equal((await fleet.request(0, { kind: 'double', value: 1 }, 'double')).value, 2);
  } finally {
    await fleet.close();
  }
});

test('a worker that does not say ready fails the start', async () => {
  await assert.rejects(start(2, 'refuse'), (e: Error) => e.name === 'InternalError' && e.message === 'test worker did not start');
});
