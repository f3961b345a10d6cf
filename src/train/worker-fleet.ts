/**
 * The main-thread side of every training stack's worker pool: starts worker threads, waits until each has said
 * 'ready', numbers requests and matches replies to them, and fails every pending request when a worker reports an
 * error, throws or exits. Invariant: each request's promise settles exactly once, with a reply of the expected kind
 * or an InternalError; a failed start leaves no worker running.
 */
import { Worker } from 'node:worker_threads';
import { InternalError } from '../core/errors.js';

/** The first message every worker sends, once it has built its model. */
export interface ReadyMessage {
  readonly kind: 'ready';
}

/** What a worker sends instead of a reply when answering a request threw. */
export interface ErrorReply {
  readonly kind: 'error';
  readonly id: number;
  readonly message: string;
  readonly stack?: string;
}

/** A request before the fleet numbers it (distributes Omit over a union of requests). */
export type Unnumbered<R> = R extends unknown ? Omit<R, 'id'> : never;

/** The replies that answer a request (neither 'ready' nor 'error'). */
type Answer<Reply> = Exclude<Reply, ReadyMessage | ErrorReply>;

/** How to start a fleet. */
export interface WorkerFleetOptions<Init> {
  /** Names the workers in error messages, e.g. 'training' gives "training worker failed: ...". */
  readonly name: string;
  /** The compiled worker module. */
  readonly script: URL;
  /** workerData of each worker; one worker per entry (at least one). */
  readonly inits: readonly Init[];
  /** Appended to the message when a worker exits unasked, e.g. what to change if it ran out of memory. */
  readonly exitHint?: string;
}

interface PendingReply {
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** A started set of workers that answer numbered requests of type `Request` with messages of type `Reply`. */
export class WorkerFleet<Request extends { readonly id: number }, Reply extends { readonly kind: string }> {
  private readonly pending = new Map<number, PendingReply>();
  private nextId = 1;
  private closing = false;

  private constructor(
    private readonly workers: readonly Worker[],
    private readonly name: string,
    exitHint: string | undefined,
  ) {
    for (const worker of workers) {
      worker.on('message', (reply: Reply | ReadyMessage | ErrorReply) => {
        if (reply.kind === 'ready') return;
        const { id } = reply as unknown as { id: number };
        const waiting = this.pending.get(id);
        this.pending.delete(id);
        if (!waiting) return;
        if (reply.kind === 'error') {
          const failure = reply as ErrorReply;
          waiting.reject(new InternalError(`${name} worker failed: ${failure.message}\n${failure.stack ?? ''}`));
        } else {
          waiting.resolve(reply);
        }
      });
      worker.on('error', (error) => this.failAll(error));
      // A worker can also end without an error event (tfjs-wasm aborts on an exhausted heap by exiting).
      worker.on('exit', (code) => {
        if (!this.closing) this.failAll(new InternalError(`${name} worker exited (code ${code})${exitHint ? `; ${exitHint}` : ''}`));
      });
    }
  }

  /**
   * Starts one worker per `options.inits` entry and waits until each has sent 'ready'.
   * @throws InternalError (or the worker's own error) when a worker fails to start; every worker is then stopped
   */
  static async start<Request extends { readonly id: number }, Reply extends { readonly kind: string }, Init>(
    options: WorkerFleetOptions<Init>,
  ): Promise<WorkerFleet<Request, Reply>> {
    if (options.inits.length === 0) throw new InternalError(`${options.name} pool started with no workers`);
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (const init of options.inits) {
      const worker = new Worker(options.script, { workerData: init });
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('message', (reply: { kind: string }) => (reply.kind === 'ready' ? resolve() : reject(new InternalError(`${options.name} worker did not start`))));
          worker.once('error', reject);
        }),
      );
      workers.push(worker);
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new WorkerFleet<Request, Reply>(workers, options.name, options.exitHint);
  }

  /** Number of workers. */
  get size(): number {
    return this.workers.length;
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  /**
   * Sends `message` to worker `worker` (0-based) and resolves with its reply.
   * @param expect the reply kind this request must get
   * @throws InternalError when the worker fails, exits, or replies with another kind
   */
  async request<K extends Answer<Reply>['kind']>(worker: number, message: Unnumbered<Request>, expect: K): Promise<Extract<Reply, { kind: K }>> {
    const id = this.nextId++;
    const reply = await new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[worker]!.postMessage({ ...message, id });
    });
    if ((reply as Reply).kind !== expect) throw new InternalError(`unexpected ${this.name} worker reply`);
    return reply as Extract<Reply, { kind: K }>;
  }

  /**
   * Runs `jobs` on the workers, each worker taking the next job as soon as it is free; results in `jobs` order.
   * @param run sends one job to the given worker and returns its result
   */
  async drain<Job, Result>(jobs: readonly Job[], run: (worker: number, job: Job) => Promise<Result>): Promise<Result[]> {
    const results: Result[] = new Array(jobs.length);
    let next = 0;
    await Promise.all(
      this.workers.map(async (_, worker) => {
        while (next < jobs.length) {
          const j = next++;
          results[j] = await run(worker, jobs[j]!);
        }
      }),
    );
    return results;
  }

  /** Stops every worker (pending requests are not answered). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
