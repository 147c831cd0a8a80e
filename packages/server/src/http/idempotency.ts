import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import type { StoreTx } from '../store/types.js';
import { AppError, COMMON_ERRORS } from './errors.js';

/** The result of a write command as the route presents it. */
export interface WriteResult<T> {
  status: number;
  body: T;
}

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Runs a write inside one transaction, honouring an `Idempotency-Key` header: a retry with the same key and the
 * same body gets the first response again without a second write; the same key with another body is refused.
 * The stored response is written in the same transaction as the change, so the two cannot disagree.
 */
export async function idempotentWrite<T>(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  scope: string,
  run: (tx: StoreTx) => Promise<WriteResult<T>>,
): Promise<T> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined) {
    const result = await ctx.store.transaction(run);
    void reply.status(result.status);
    return result.body;
  }
  if (!KEY.test(key)) {
    throw new AppError(COMMON_ERRORS.validation, 'Idempotency-Key must be 8–128 characters of [A-Za-z0-9._:-]');
  }
  // Keyed: a body may carry a My Number, and a plain hash of a 12-digit number could be reversed by brute force.
  const requestHash = createHmac('sha256', ctx.secrets.proofKey)
    .update(`idempotency\n${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
  const result = await ctx.store.transaction(async (tx) => {
    const previous = await tx.idempotency.get(scope, key);
    if (previous !== null) {
      if (previous.requestHash !== requestHash) {
        throw new AppError(COMMON_ERRORS.idempotencyMismatch);
      }
      return { status: previous.responseStatus, body: previous.responseBody as T };
    }
    const fresh = await run(tx);
    await tx.idempotency.put({
      scope,
      key,
      requestHash,
      responseStatus: fresh.status,
      responseBody: fresh.body,
      createdAt: ctx.clock.now().toISOString(),
    });
    return fresh;
  });
  void reply.status(result.status);
  return result.body;
}
