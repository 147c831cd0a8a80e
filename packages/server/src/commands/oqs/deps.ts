import { EventEmitter } from 'node:events';
import { tokyoDate } from '@onshi/core';
import type { AuditEntry } from '../../audit/auditLog.js';
import type { ServerContext } from '../../context.js';
import type { AuditRow } from '../../store/types.js';
import type { ResultOfQualificationConfirmation } from '../../formats/schemas.js';

/** Where confirmations are audited: the app's AuditLog (group commit), or anything with the same `append`. */
export interface AuditSink {
  append(entry: AuditEntry): Promise<AuditRow>;
}

/**
 * What every OQS command needs: the context and the audit log. A route passes its `RouteDeps`, which has both;
 * the bulk worker and the file agent pass theirs.
 */
export interface OqsDeps {
  ctx: ServerContext;
  audit: AuditSink;
}

/** Today in Japan, from the injected clock. */
export function today(ctx: ServerContext): string {
  return tokyoDate(ctx.clock.now());
}

/** One reader result, as the reception console and the file agent's face/ folder receive it. */
export interface ReaderResultEvent {
  institutionCode: string;
  readerId: string;
  confirmationId: string;
  at: string;
  /** The OQSsiquc01res body (ResultList, ProcessingResult…, QualificationValidity, PrescriptionIssueSelect). */
  body: ReaderResultBody;
}

/** The body of a reader result (same fields as the OQSsiquc01res MessageBody). */
export interface ReaderResultBody {
  resultList?: ResultOfQualificationConfirmation[];
  processingResultStatus?: '1' | '2';
  processingResultCode?: string;
  processingResultMessage?: string;
  qualificationValidity?: '1' | '2' | '3' | '4' | '5' | '6';
  prescriptionIssueSelect?: '1' | '2';
}

/**
 * The live feed of reader results, one per server context (issue 6, "The result goes to the reception console
 * (live), to the file interface's face/ folder"): subscribers get only their institution's results.
 */
export class ReaderFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Publishes a result to the institution's subscribers. */
  publish(event: ReaderResultEvent): void {
    this.emitter.emit(event.institutionCode, event);
  }

  /** Subscribes to one institution's results; returns the unsubscribe function. */
  subscribe(institutionCode: string, listener: (event: ReaderResultEvent) => void): () => void {
    this.emitter.on(institutionCode, listener);
    return () => {
      this.emitter.off(institutionCode, listener);
    };
  }

  /** Subscribers of an institution (tests, health). */
  listenerCount(institutionCode: string): number {
    return this.emitter.listenerCount(institutionCode);
  }
}

const feeds = new WeakMap<ServerContext, ReaderFeed>();

/** The reader feed of a server context (created on first use). */
export function readerFeedOf(ctx: ServerContext): ReaderFeed {
  let feed = feeds.get(ctx);
  if (feed === undefined) {
    feed = new ReaderFeed();
    feeds.set(ctx, feed);
  }
  return feed;
}
