/**
 * The loop pieces the trainers share: the seeded epoch order (epoch-order.ts), the run clock and stop limits
 * (run-clock.ts), the progress window (progress-window.ts) and the JSON-lines run log (run-log.ts), written and read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Random } from '../../src/core/random.js';
import { EpochOrder, nextMultipleAbove } from '../../src/train/epoch-order.js';
import { ProgressWindow } from '../../src/train/progress-window.js';
import { RunClock } from '../../src/train/run-clock.js';
import { openRunLog, readRunLog } from '../../src/train/run-log.js';

test('EpochOrder: each epoch is the (seed, epoch) shuffle, batches never cross an epoch, a fresh instance resumes it', () => {
  const order = new EpochOrder(7, 10);
  const epoch0 = new Random(7 * 1000003).shuffle([...Array(10).keys()]);
  const epoch1 = new Random(7 * 1000003 + 1).shuffle([...Array(10).keys()]);
  assert.notDeepEqual(epoch0, epoch1);
  assert.deepEqual(order.batch(0, 4), epoch0.slice(0, 4));
  assert.deepEqual(order.batch(4, 4), epoch0.slice(4, 8));
  assert.deepEqual(order.batch(8, 4), epoch0.slice(8, 10), 'the last batch of an epoch is shorter');
  assert.deepEqual(order.batch(10, 4), epoch1.slice(0, 4));
  assert.deepEqual(new EpochOrder(7, 10).batch(14, 3), epoch1.slice(4, 7), 'a resumed run gets the same batch');
  assert.deepEqual([...order.batch(20, 10)].sort((a, b) => a - b), [...Array(10).keys()]);
});

test('nextMultipleAbove: the next validation point after a (resumed) position', () => {
  assert.deepEqual([0, 1, 99, 100, 101].map((seen) => nextMultipleAbove(seen, 100)), [100, 100, 100, 200, 200]);
});

test('RunClock: stop limits (images, minutes, abort), seconds added to earlier runs, checkpoint timing', () => {
  let nowMs = 5000;
  const clock = new RunClock(100, () => nowMs);
  assert.equal(clock.trainSeconds(), 100);
  assert.equal(clock.shouldStop(5, { imageLimit: null, minutes: null }), false);
  assert.equal(clock.shouldStop(5, { imageLimit: 6, minutes: 60 }), false);
  assert.equal(clock.shouldStop(6, { imageLimit: 6, minutes: null }), true);
  assert.equal(clock.shouldStop(0, { imageLimit: null, minutes: 0 }), true);
  const abort = new AbortController();
  assert.equal(clock.shouldStop(0, { imageLimit: null, minutes: null, signal: abort.signal }), false);
  abort.abort();
  assert.equal(clock.shouldStop(0, { imageLimit: null, minutes: null, signal: abort.signal }), true);
  nowMs += 90_000;
  assert.equal(clock.trainSeconds(), 190);
  assert.equal(clock.shouldStop(0, { imageLimit: null, minutes: 1.5 }), true);
  assert.equal(clock.shouldStop(0, { imageLimit: null, minutes: 1.6 }), false);
  assert.equal(clock.checkpointDue(1.5), true);
  assert.equal(clock.checkpointDue(1.6), false);
  clock.checkpointWritten();
  assert.equal(clock.checkpointDue(1), false, 'a checkpoint restarts the interval');
  nowMs += 60_000;
  assert.equal(clock.checkpointDue(1), true);
  assert.equal(clock.elapsedMs(), 150_000, 'checkpoints do not move the run start');
});

test('ProgressWindow: means per image of the sums since the last reset, speed, 30 s cadence', () => {
  const window = new ProgressWindow(['loss', 'correct']);
  window.add(4, { loss: 2, correct: 3 });
  window.add(6, { loss: 1, correct: 5 });
  assert.equal(window.mean('loss'), 0.3);
  assert.equal(window.mean('correct'), 0.8);
  // Whole-millisecond times: (t + 30000) - t with a fractional performance.now() t can round below 30000.
  const opened = Math.ceil(performance.now()) + 1;
  assert.equal(window.due(opened + 60_000), true);
  window.reset(opened);
  assert.equal(window.due(opened + 29_999), false);
  assert.equal(window.due(opened + 30_000), true);
  window.add(8, { loss: 4, correct: 8 });
  assert.equal(window.mean('loss'), 0.5);
  assert.equal(window.imagesPerSecond(opened + 2000), 4);
});

test('openRunLog and readRunLog: creates the folder, appends one JSON object per line, reads them back', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-run-log-'));
  try {
    const out = path.join(dir, 'a', 'b');
    const record = openRunLog(out);
    record({ type: 'train', bpd: 3.5 });
    record({ type: 'validation', images: 2 });
    assert.equal(readFileSync(path.join(out, 'log.jsonl'), 'utf8'), '{"type":"train","bpd":3.5}\n{"type":"validation","images":2}\n');
    assert.deepEqual(readRunLog(path.join(out, 'log.jsonl')), [{ type: 'train', bpd: 3.5 }, { type: 'validation', images: 2 }]);
    assert.deepEqual(readRunLog(path.join(out, 'none.jsonl')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
