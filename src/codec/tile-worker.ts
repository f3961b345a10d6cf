/**
 * The entry point of a tile worker thread: builds its own engine and learned coder once (from workerData), then
 * codes or decodes one tile per message and answers with the result or the error. Holds nothing between jobs but
 * the coder, so a worker's memory is the model plus one tile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InternalError } from '../core/errors.js';
import { createLearnedCoder } from './learned-coder-source.js';
import type { LearnedTileCoder } from './learned-tile-coder.js';
import { decodeTilePayload, encodeTilePayload } from './tile-payload.js';
import { ownedArray, serializeError, type TileJobMessage, type TileResultMessage, type TileWorkerInit } from './tile-worker-protocol.js';

const port = parentPort;
if (!port) throw new InternalError('internal error: tile-worker.js must run in a worker thread');
const init = workerData as TileWorkerInit;

// Jobs that arrive while the coder is being built wait for it, in arrival order.
const ready: Promise<LearnedTileCoder | null> = init.learned ? createLearnedCoder(init.learned, init.kernel) : Promise.resolve(null);
ready.catch(() => undefined);

function answer(job: TileJobMessage, learned: LearnedTileCoder | null): void {
  let result: TileResultMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    if (job.op === 'encode') {
      const coded = encodeTilePayload(job.tile, job.shape, job.format, learned);
      const payload = ownedArray(coded.payload);
      result = { id: job.id, ok: true, payload, fallback: coded.fallback };
      transfer = [payload.buffer as ArrayBuffer];
    } else {
      const samples = ownedArray(decodeTilePayload(job.payload, job.fallback, job.shape, job.format, learned));
      result = { id: job.id, ok: true, samples };
      transfer = [samples.buffer as ArrayBuffer];
    }
  } catch (error) {
    result = { id: job.id, ok: false, error: serializeError(error) };
  }
  port!.postMessage(result, transfer);
}

port.on('message', (job: TileJobMessage) => {
  ready.then(
    (learned) => answer(job, learned),
    (error: unknown) => port!.postMessage({ id: job.id, ok: false, error: serializeError(error) } satisfies TileResultMessage),
  );
});
