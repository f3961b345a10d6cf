/**
 * A worker for test/train/worker-fleet.test.ts: doubles numbers, throws or exits on request, and with
 * workerData.mode 'refuse' answers its start with something other than 'ready'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveRequests } from '../../src/train/serve-requests.js';

/** Requests the test sends. */
export type TestRequest =
  | { readonly kind: 'double'; readonly id: number; readonly value: number }
  | { readonly kind: 'throw'; readonly id: number }
  | { readonly kind: 'exit'; readonly id: number }
  | { readonly kind: 'odd'; readonly id: number };

/** Replies it gets. */
export type TestReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'double'; readonly id: number; readonly value: number; readonly worker: number }
  | { readonly kind: 'other'; readonly id: number }
  | { readonly kind: 'error'; readonly id: number; readonly message: string; readonly stack?: string };

const init = workerData as { readonly worker: number; readonly mode: 'serve' | 'refuse' };
const port = parentPort!;
if (init.mode === 'refuse') {
  port.postMessage({ kind: 'nonsense' });
} else {
  serveRequests<TestRequest>(port, (request) => {
    if (request.kind === 'double') return { kind: 'double', value: 2 * request.value, worker: init.worker };
    if (request.kind === 'throw') throw new Error('boom');
    if (request.kind === 'exit') process.exit(3);
    return { kind: 'other' };
  });
}
