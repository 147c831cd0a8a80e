import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Store } from '../../store/types.js';

/**
 * Walks every member key once, in batches, building the member read model's missing rows (decision 0166): after a
 * start on a database that was seeded, imported or migrated, confirmations by number soon find their row instead of
 * building it on first use. Yields to the event loop between batches, so requests go first; stops on `stop`.
 */
export class MemberReadModelFiller {
  private pass: Promise<number> | null = null;
  private stopping = false;

  constructor(
    private readonly store: Store,
    private readonly options: { batchKeys?: number; onError?: (error: unknown) => void } = {},
  ) {}

  /** Starts the walk (once per start); `done` resolves with the rows written. */
  start(): void {
    this.stopping = false;
    this.pass ??= this.walk();
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

  private async walk(): Promise<number> {
    const batch = Math.max(1, this.options.batchKeys ?? 200);
    let after: string | null = null;
    let written = 0;
    try {
      while (!this.stopping) {
        const step = await this.store.qualifications.fillMemberReadModel(after, batch);
        written += step.filled;
        if (step.lastKey === null) {
          break;
        }
        after = step.lastKey;
        await yieldToEventLoop();
      }
    } catch (error) {
      // The read model is an optimisation: a failed walk leaves rows to be built on first use.
      this.options.onError?.(error);
    }
    return written;
  }
}
