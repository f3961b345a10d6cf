/**
 * The decoder fuzzer (scripts/fuzz*.ts): a short seeded run over the golden streams ends every case as an exact
 * decode or a clean idfz error, with no crash and no hang; cases replay exactly from their seed and index; and the
 * guard really catches a decoder that loops forever or throws a non-idfz error (then goes on with the next case).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzCase, loadCorpus, MUTATION_KINDS } from '../../scripts/fuzz-mutations.js';
import { DEFAULT_CORPUS, runFuzz } from '../../scripts/fuzz-runner.js';

test('a short run: every case ends cleanly within the limit, through every kind of mutation', async () => {
  const report = await runFuzz({ cases: 240, seed: 1 });
  assert.deepEqual(report.failures, []);
  assert.equal(report.crashes, 0);
  assert.equal(report.hangs, 0);
  assert.equal(report.exact + report.corrupt + report.limit + report.model + report.otherErrors + report.decodedOther, 240);
  assert.ok(report.corrupt > 200, `corrupt ${report.corrupt}`);
  assert.ok(report.exact > 0, 'some mutations leave the file valid (e.g. a tile swapped with itself)');
  assert.ok(report.maxMs < 1000, `maxMs ${report.maxMs}`);
  for (const kind of MUTATION_KINDS) assert.ok(report.byKind[kind]! > 0, kind);
});

test('cases are reproducible from seed and index, and differ between seeds', () => {
  const { files } = loadCorpus(DEFAULT_CORPUS);
  const before = files.map((file) => Buffer.from(file.bytes).toString('hex'));
  for (let index = 0; index < 64; index++) {
    const a = fuzzCase(files, 7, index);
    const b = fuzzCase(files, 7, index);
    assert.deepEqual([a.kind, a.source, Buffer.from(a.bytes).toString('hex')], [b.kind, b.source, Buffer.from(b.bytes).toString('hex')]);
  }
  const differing = Array.from({ length: 64 }, (_, index) => index)
    .filter((index) => Buffer.compare(Buffer.from(fuzzCase(files, 7, index).bytes), Buffer.from(fuzzCase(files, 8, index).bytes)) !== 0);
  assert.ok(differing.length > 56);
  assert.deepEqual(files.map((file) => Buffer.from(file.bytes).toString('hex')), before, 'mutations never change the corpus');
});

test('the guard catches a real hang (killing the worker) and a TypeError, and goes on', async () => {
  const report = await runFuzz({ cases: 4, seed: 1, limitMs: 1000, simulate: { hangAt: 1, throwAt: 2 } });
  assert.equal(report.hangs, 1);
  assert.equal(report.crashes, 1);
  assert.deepEqual(report.failures.map((f) => [f.index, f.outcome]), [[1, 'hang'], [2, 'crash']]);
  assert.match(report.failures[1]!.message, /^TypeError: simulated decoder bug/);
  assert.equal(report.exact + report.corrupt + report.limit + report.model + report.otherErrors + report.decodedOther, 2, 'cases 0 and 3 ran');
  // The hang is reported when the 1000 ms timer fires. libuv starts timers from the event loop's cached clock, so on a
  // loaded machine the timer can fire a little less than 1000 ms after the case's performance.now() start.
  assert.ok(report.maxMs >= 900, `hang reported after ${report.maxMs} ms`);
});
