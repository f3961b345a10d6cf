/**
 * The wall-clock side of a training run: seconds trained (added to earlier runs'), when to stop (an image total, a
 * minute limit for this run, or an abort signal) and when the next timed checkpoint is due. Invariant: every time is
 * measured from the clock's creation, which the trainers place after their worker pool has started.
 */

/** When a run ends; null means no such limit. */
export interface StopLimits {
  /** Stop once this many training images have been seen in total (counting earlier runs). */
  readonly imageLimit: number | null;
  /** Stop after this many minutes of this run. */
  readonly minutes: number | null;
  /** Stop once aborted (e.g. on Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** Time keeping of one run. */
export class RunClock {
  private readonly start: number;
  private lastCheckpoint: number;

  /**
   * @param earlierSeconds seconds trained by the runs this one resumes
   * @param now the millisecond clock (a test passes a fake one: timer resolution and load make real-time asserts flaky)
   */
  constructor(
    private readonly earlierSeconds: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
    this.lastCheckpoint = this.start;
  }

  /** Milliseconds since this run started. */
  elapsedMs(): number {
    return this.now() - this.start;
  }

  /** Seconds trained in total: earlier runs' plus this one's. */
  trainSeconds(): number {
    return this.earlierSeconds + this.elapsedMs() / 1000;
  }

  /** Whether the run should end before another step, after `imagesSeen` images in total. */
  shouldStop(imagesSeen: number, limits: StopLimits): boolean {
    if (limits.signal?.aborted) return true;
    if (limits.imageLimit !== null && imagesSeen >= limits.imageLimit) return true;
    return limits.minutes !== null && this.elapsedMs() >= limits.minutes * 60_000;
  }

  /** Whether `minutes` have passed since the last checkpoint (or the start). */
  checkpointDue(minutes: number): boolean {
    return this.now() - this.lastCheckpoint >= minutes * 60_000;
  }

  /** Notes that a checkpoint was just written. */
  checkpointWritten(): void {
    this.lastCheckpoint = this.now();
  }
}
