import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorEntry, type ErrorJson, OqsError } from '../formats/errors.js';
import { StoreConflictError } from '../store/types.js';

/**
 * A coded error of the back-office APIs (insurer, authority, portal, statistics): same shape as the OQS catalogue
 * (a stable code, HTTP status, a message for staff in Japanese and English, one for the vendor), so every API
 * answers errors alike. Each area keeps its catalogue of entries beside its commands.
 */
export class AppError extends Error {
  constructor(
    readonly entry: ErrorEntry,
    readonly detail?: string,
  ) {
    super(detail === undefined ? entry.code : `${entry.code}: ${detail}`);
    this.name = 'AppError';
  }

  get code(): string {
    return this.entry.code;
  }
}

/** Builds a catalogue entry for the back-office APIs. */
export function appErrorEntry(code: string, httpStatus: number, ja: string, en: string, vendor: string): ErrorEntry {
  return { code, httpStatus, scope: 'message', staff: { ja, en }, vendor };
}

/** Errors every API shares. */
export const COMMON_ERRORS = {
  validation: appErrorEntry(
    'ONSHI-E-VALIDATION',
    400,
    '入力内容に誤りがあります。',
    'The request has invalid fields.',
    'The request does not match the schema in /openapi.json; the detail names the field.',
  ),
  unauthenticated: appErrorEntry(
    'ONSHI-E-UNAUTHENTICATED',
    401,
    '認証できませんでした。',
    'Authentication failed.',
    'Send `Authorization: Bearer <credential id>.<secret>` with a valid, unrevoked credential.',
  ),
  forbidden: appErrorEntry(
    'ONSHI-E-FORBIDDEN',
    403,
    'この操作は許可されていません。',
    'This operation is not allowed for you.',
    'The credential is valid but its principal may not perform this operation or see this record.',
  ),
  notFound: appErrorEntry(
    'ONSHI-E-NOT-FOUND',
    404,
    '対象が見つかりません。',
    'Not found.',
    'No such record, or it belongs to another principal.',
  ),
  conflict: appErrorEntry(
    'ONSHI-E-CONFLICT',
    409,
    '既に登録されている内容と矛盾します。',
    'This conflicts with what is already recorded.',
    'A uniqueness rule was violated; the detail names the constraint.',
  ),
  idempotencyMismatch: appErrorEntry(
    'ONSHI-E-IDEMPOTENCY-KEY-REUSED',
    422,
    '同じ要求番号で異なる内容が送信されました。',
    'The same request key was sent with a different request.',
    'An Idempotency-Key may only be retried with the identical request body; use a new key for a new request.',
  ),
  internal: appErrorEntry(
    'ONSHI-E-INTERNAL',
    500,
    'システムで問題が発生しました。時間をおいて再度お試しください。',
    'A system error occurred. Please try again later.',
    'Unexpected server error; retry with exponential backoff and report the request id if it persists.',
  ),
} as const satisfies Record<string, ErrorEntry>;

function body(entry: ErrorEntry, detail: string | undefined): ErrorJson {
  const error: ErrorJson['error'] = {
    code: entry.code,
    status: entry.httpStatus,
    message: entry.staff,
    vendorMessage: entry.vendor,
  };
  if (detail !== undefined) {
    error.detail = detail;
  }
  return { error };
}

/** Maps anything thrown in a route to a coded JSON error; unexpected errors are logged without request data. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError || error instanceof OqsError) {
    return reply.status(error.entry.httpStatus).send(body(error.entry, error.detail));
  }
  if (error instanceof StoreConflictError) {
    return reply.status(409).send(body(COMMON_ERRORS.conflict, error.constraint));
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation !== undefined) {
    return reply.status(400).send(body(COMMON_ERRORS.validation, error.message));
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    const entry = { ...COMMON_ERRORS.validation, httpStatus: fastifyError.statusCode };
    return reply.status(fastifyError.statusCode).send(body(entry, error.message));
  }
  request.log.error({ err: { name: error.name, message: error.message, stack: error.stack } }, 'unexpected error');
  return reply.status(500).send(body(COMMON_ERRORS.internal, undefined));
}
