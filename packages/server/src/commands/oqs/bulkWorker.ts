import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ServerContext } from '../../context.js';
import type { BulkConfirmationJob } from '../../store/types.js';
import { answerBulkUnit } from './bulkConfirmation.js';
import type { OqsDeps } from './deps.js';

/** How long a claim on a job lasts without news from its worker (renewed after every chunk; decision 0164). */
const LEASE_MS = 30_000;

/** Tuning of the 一括照会 worker. */
export interface BulkWorkerOptions {
  /** Units answered together (their records share one group commit), then progress is saved. Default 100. */
  chunkSize?: number;
  /** How often an idle worker looks for queued jobs, in ms (uploads also wake it at once). Default 1,000. */
  idleMs?: number;
  /** Jobs fetched per look. Default 10. */
  batchJobs?: number;
  /** Called when a job fails as a whole (a store error); never with personal data. */
  onError?: (receptionNumber: string, error: unknown) => void;
}

/**
 * The background worker of 一括照会 in the server process (decision 0100). It takes queued jobs oldest first and
 * answers their units in chunks: each chunk's confirmations run together, the answers are saved into the job
 * (a checkpoint), and the worker yields to the event loop before the next chunk, so a 10,000-person upload never
 * holds the loop for more than one chunk. A worker first claims a job with a lease (status `processing`), renewed
 * at each checkpoint, so several servers on one database never answer the same job at once (decision 0164); a
 * worker that stops hands its job back (`queued`), and one that died loses it when the lease runs out. Either way
 * the next worker resumes at the first unanswered unit (units answered after the last checkpoint are answered
 * again: at least once).
 */
export class BulkWorker {
  private readonly chunkSize: number;
  private readonly idleMs: number;
  private readonly batchJobs: number;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<number> | null = null;
  private again = false;
  private stopping = false;
  /** This worker's name on the jobs it claims. */
  private readonly owner = randomUUID();

  constructor(
    private readonly deps: OqsDeps,
    private readonly options: BulkWorkerOptions = {},
  ) {
    this.chunkSize = Math.max(1, options.chunkSize ?? 100);
    this.idleMs = Math.max(10, options.idleMs ?? 1000);
    this.batchJobs = Math.max(1, options.batchJobs ?? 10);
  }

  /** Starts looking for queued jobs (those left by a previous run first). */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.stopping = false;
    this.wake();
  }

  /** Stops after the chunk in progress; resolves when the worker is idle. Unfinished jobs stay queued. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pass !== null) {
      await this.pass.catch(() => undefined);
    }
    this.stopping = false;
  }

  /** A new upload arrived: look now rather than at the next tick. */
  wake(): void {
    if (!this.running) {
      return;
    }
    if (this.pass !== null) {
      this.again = true;
      return;
    }
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      await this.runOnce();
    } finally {
      if (this.running) {
        const delay = this.again ? 0 : this.idleMs;
        this.again = false;
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.loop();
        }, delay);
        this.timer.unref();
      }
    }
  }

  /**
   * Answers every queued job now and resolves with the number of units answered. Concurrent calls share one
   * pass, so a job is never processed twice at once in this process. Tests call this instead of waiting.
   */
  runOnce(): Promise<number> {
    if (this.pass === null) {
      this.pass = this.drainQueue().finally(() => {
        this.pass = null;
      });
    }
    return this.pass;
  }

  private async drainQueue(): Promise<number> {
    let answered = 0;
    for (;;) {
      const store = this.deps.ctx.store;
      const jobs = await store.bulkJobs.listClaimable(this.batchJobs, this.deps.ctx.clock.now().toISOString());
      if (jobs.length === 0) {
        return answered;
      }
      for (const job of jobs) {
        if (this.stopping) {
          return answered;
        }
        const now = this.deps.ctx.clock.now();
        if (await store.bulkJobs.claim(job.receptionNumber, this.owner, now.toISOString(), this.leaseFrom(now))) {
          answered += await this.processJob(job);
        }
      }
    }
  }

  private leaseFrom(now: Date): string {
    return new Date(now.getTime() + LEASE_MS).toISOString();
  }

  private async processJob(job: BulkConfirmationJob): Promise<number> {
    const store = this.deps.ctx.store;
    const units = job.units.map((u) => ({ ...u }));
    let answered = 0;
    try {
      for (let start = 0; start < units.length; start += this.chunkSize) {
        const chunk = units.slice(start, start + this.chunkSize);
        const pending = chunk.filter((u) => u.result === null);
        if (pending.length === 0) {
          continue;
        }
        const results = await Promise.all(pending.map((u) => answerBulkUnit(this.deps, job, u.request)));
        pending.forEach((unit, i) => {
          unit.result = results[i] ?? null;
        });
        answered += pending.length;
        const last = start + this.chunkSize >= units.length;
        if (!last) {
          // A checkpoint: the answers so far, and a fresh lease — or the job handed back when stopping.
          await store.bulkJobs.update(
            job.receptionNumber,
            this.stopping
              ? { status: 'queued', units }
              : { status: 'processing', units, leaseUntil: this.leaseFrom(this.deps.ctx.clock.now()) },
          );
          if (this.stopping) {
            return answered;
          }
          await yieldToEventLoop();
        }
      }
      await store.bulkJobs.update(job.receptionNumber, {
        status: 'done',
        units,
        completedAt: this.deps.ctx.clock.now().toISOString(),
      });
      await this.deps.audit.append({
        actorKind: 'system',
        actorId: 'bulkWorker',
        action: 'oqs.bulk.done',
        personId: null,
        target: job.receptionNumber,
        outcome: 'allowed',
        detail: { institutionCode: job.institutionCode, units: units.length },
      });
    } catch (error) {
      this.options.onError?.(job.receptionNumber, error);
      await store.bulkJobs
        .update(job.receptionNumber, { status: 'failed', units, completedAt: this.deps.ctx.clock.now().toISOString() })
        .catch(() => undefined);
    }
    return answered;
  }
}

const workers = new WeakMap<ServerContext, BulkWorker>();

/**
 * The 一括照会 worker of a server context, created on first use (the OQS routes start it when the app is ready
 * and stop it when the app closes; uploads wake it).
 */
export function bulkWorkerOf(deps: OqsDeps, options?: BulkWorkerOptions): BulkWorker {
  let worker = workers.get(deps.ctx);
  if (worker === undefined) {
    worker = new BulkWorker(deps, options);
    workers.set(deps.ctx, worker);
  }
  return worker;
}

/** The worker already made for a server context, if any (tests stop it and drive it with `runOnce`). */
export function existingBulkWorker(ctx: ServerContext): BulkWorker | undefined {
  return workers.get(ctx);
}
