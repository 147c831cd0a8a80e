import type { FastifyRequest } from 'fastify';
import type { Clock } from '@onshi/core';
import type { Store } from '../store/types.js';
import { type Principal, type PrincipalKind, bearerToken, parseToken, principalOf, secretMatches } from './auth.js';
import { AppError, COMMON_ERRORS } from './errors.js';

const CACHE_MS = 5_000;

/** Verified tokens kept at most (one per live credential in practice). */
const VERIFIED_MAX = 10_000;

interface Cached {
  secretHash: string | null;
  until: number;
}

interface Verified {
  id: string;
  principal: Principal;
  until: number;
}

/**
 * Authenticates bearer credentials against the store. Lookups are cached for a few seconds (the OQS hot path
 * must not pay a database round trip per request); `forget` drops an entry at once when a credential changes.
 */
export class Authenticator {
  private readonly cache = new Map<string, Cached>();
  /** Tokens whose secret matched, by the whole header token: a repeat caller skips parsing and hashing. */
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The principal behind a request's Authorization header, or undefined. */
  async principal(request: FastifyRequest): Promise<Principal | undefined> {
    const token = bearerToken(request.headers.authorization);
    const now = this.clock.now().getTime();
    const known = token === undefined ? undefined : this.verified.get(token);
    if (known !== undefined && known.until >= now) {
      return known.principal;
    }
    const parsed = token === undefined ? undefined : parseToken(token);
    if (parsed === undefined) {
      return undefined;
    }
    const principal = principalOf(parsed.id);
    if (principal === undefined) {
      return undefined;
    }
    let cached = this.cache.get(parsed.id);
    if (cached === undefined || cached.until < now) {
      const credential = await this.store.credentials.get(parsed.id);
      cached = {
        secretHash: credential && credential.revokedAt === null ? credential.secretHash : null,
        until: now + CACHE_MS,
      };
      this.cache.set(parsed.id, cached);
    }
    if (cached.secretHash === null || !secretMatches(parsed.secret, cached.secretHash) || token === undefined) {
      return undefined;
    }
    if (this.verified.size >= VERIFIED_MAX) {
      this.verified.clear();
    }
    this.verified.set(token, { id: parsed.id, principal, until: cached.until });
    return principal;
  }

  /** The authenticated principal of the given kind; a coded 401/403 otherwise. */
  async require<K extends PrincipalKind>(request: FastifyRequest, kind: K): Promise<Extract<Principal, { kind: K }>> {
    const principal = await this.principal(request);
    if (principal === undefined) {
      throw new AppError(COMMON_ERRORS.unauthenticated);
    }
    if (principal.kind !== kind) {
      throw new AppError(COMMON_ERRORS.forbidden, `requires a ${kind} credential`);
    }
    return principal as Extract<Principal, { kind: K }>;
  }

  /** Drops a cached credential (after rotation or revocation). */
  forget(id: string): void {
    this.cache.delete(id);
    for (const [token, v] of this.verified) {
      if (v.id === id) {
        this.verified.delete(token);
      }
    }
  }
}
