import { randomBytes } from 'node:crypto';
import type { ServerContext } from '../../context.js';
import { OqsError } from '../../formats/errors.js';

/** How long a reader has to return the card's answer (Onshi's choice; the official timeout is not public). */
export const CHALLENGE_TTL_MS = 60_000;
/** Open challenges kept at most (a reader that never answers cannot exhaust memory). */
export const MAX_OPEN_CHALLENGES = 100_000;

interface OpenChallenge {
  /**
   * The 32 bytes as base64url text: a book holds a minute's challenges of every reader (and the used ones until they
   * expire), and a Buffer each would be an ArrayBuffer each for the collector to track; a short string is not.
   */
  challenge: string;
  institutionCode: string;
  readerId: string;
  expiresAt: number;
  used: boolean;
}

/** A challenge as the reader receives it. */
export interface IssuedChallenge {
  challengeId: string;
  /** 32 random bytes, base64url: what the card signs (PIN path) or the reader attests (face path). */
  challenge: string;
  expiresAt: string;
}

/**
 * The open challenges of one server process: single use, short-lived by the injected clock, bound to one
 * institution and one reader (architecture.md "The main walk" step 1; decision 0095). Kept in memory: a challenge
 * lives a minute and is answered by the process that issued it.
 */
export class ChallengeBook {
  private readonly open = new Map<string, OpenChallenge>();
  private issued = 0;

  /** Issues a challenge for a reader of an institution. */
  issue(now: number, institutionCode: string, readerId: string): IssuedChallenge {
    this.issued += 1;
    if (this.issued % 1024 === 0) {
      this.sweep(now);
    }
    if (this.open.size >= MAX_OPEN_CHALLENGES) {
      this.sweep(now);
      if (this.open.size >= MAX_OPEN_CHALLENGES) {
        throw new OqsError('rateLimit', 'too many open challenges');
      }
    }
    const challengeId = randomBytes(16).toString('base64url');
    const challenge = randomBytes(32).toString('base64url');
    const expiresAt = now + CHALLENGE_TTL_MS;
    this.open.set(challengeId, { challenge, institutionCode, readerId, expiresAt, used: false });
    return { challengeId, challenge, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * Takes a challenge for its one use. Refuses (coded) a challenge that is unknown or used (OQS-E-CHALLENGE-USED),
   * expired (OQS-E-CHALLENGE-EXPIRED), or issued to another institution or reader (OQS-E-FORBIDDEN — without using
   * it up, so a stranger cannot burn a clinic's challenge).
   */
  take(now: number, challengeId: string, institutionCode: string, readerId: string): Buffer {
    const found = this.open.get(challengeId);
    if (found === undefined || found.used) {
      throw new OqsError('challengeUsed');
    }
    if (found.institutionCode !== institutionCode || found.readerId !== readerId) {
      throw new OqsError('forbidden', 'the challenge was issued to another institution or reader');
    }
    if (now >= found.expiresAt) {
      this.open.delete(challengeId);
      throw new OqsError('challengeExpired');
    }
    found.used = true;
    return Buffer.from(found.challenge, 'base64url');
  }

  /** Drops expired challenges (used ones are kept until expiry so a replay reads as "used"). */
  sweep(now: number): void {
    for (const [id, c] of this.open) {
      if (now >= c.expiresAt) {
        this.open.delete(id);
      }
    }
  }
}

const books = new WeakMap<ServerContext, ChallengeBook>();

/** The challenge book of a server context. */
export function challengeBookOf(ctx: ServerContext): ChallengeBook {
  let book = books.get(ctx);
  if (book === undefined) {
    book = new ChallengeBook();
    books.set(ctx, book);
  }
  return book;
}

/** Issues a reader challenge by the context's clock. */
export function issueChallenge(ctx: ServerContext, institutionCode: string, readerId: string): IssuedChallenge {
  return challengeBookOf(ctx).issue(ctx.clock.now().getTime(), institutionCode, readerId);
}
