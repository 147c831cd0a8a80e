import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Store } from '../../store/types.js';

/** One read model's walk: builds the missing rows after a key, answers the last key walked (null at the end). */
type FillStep = (after: string | null, limit: number) => Promise<{ lastKey: string | null; filled: number }>;

/**
 * Walks every member key and every linked card serial once, in batches, building the read models' missing rows
 * (decisions 0166 and 0171): after a start on a database that was seeded, imported or migrated, confirmations by
 * number and by card soon find their row instead of building it on first use. Yields to the event loop between
 * batches, so requests go first; stops on `stop`.
 */
export class ReadModelFiller {
  private pass: Promise<number> | null = null;
  private stopping = false;

  constructor(
    private readonly store: Store,
    private readonly options: { batchKeys?: number; onError?: (error: unknown) => void } = {},
  ) {}

  /** Starts the walk (once per start); `done` resolves with the rows written. */
  start(): void {
    this.stopping = false;
    this.pass ??= this.walkAll();
  }

  /** Resolves with the rows written by the walk, once it has finished or stopped. */
  async done(): Promise<number> {
    return this.pass ?? 0;
  }

  /** Stops after the batch in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.pass;
    this.pass = null;
  }

  private async walkAll(): Promise<number> {
    const members = await this.walk((after, limit) => this.store.qualifications.fillMemberReadModel(after, limit));
    const cards = await this.walk((after, limit) => this.store.certificates.fillCardReadModel(after, limit));
    return members + cards;
  }

  private async walk(step: FillStep): Promise<number> {
    const batch = Math.max(1, this.options.batchKeys ?? 200);
    let after: string | null = null;
    let written = 0;
    try {
      while (!this.stopping) {
        const done = await step(after, batch);
        written += done.filled;
        if (done.lastKey === null) {
          break;
        }
        after = done.lastKey;
        await yieldToEventLoop();
      }
    } catch (error) {
      // The read models are an optimisation: a failed walk leaves rows to be built on first use.
      this.options.onError?.(error);
    }
    return written;
  }
}
