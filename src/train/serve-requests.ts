/**
 * The worker-thread side of worker-fleet.ts: answers each numbered request from the main thread with the handler's
 * reply under the request's id, or with an 'error' reply carrying the thrown message and stack, then announces
 * 'ready'. Invariant: every request gets exactly one message back, so the fleet never waits forever on a throw.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ErrorReply, ReadyMessage } from './worker-fleet.js';

/**
 * Answers requests on `port` with `answer` (synchronous: requests are handled one at a time) and sends 'ready'.
 * @param answer the reply to a request, without its id (the request's id is added)
 */
export function serveRequests<Request extends { readonly id: number }>(port: MessagePort, answer: (request: Request) => { readonly kind: string }): void {
  port.on('message', (request: Request) => {
    try {
      port.postMessage({ ...answer(request), id: request.id });
    } catch (error) {
      const e = error as Error;
      port.postMessage({ kind: 'error', id: request.id, message: e.message, stack: e.stack } satisfies ErrorReply);
    }
  });
  port.postMessage({ kind: 'ready' } satisfies ReadyMessage);
}
