import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { tokyoDate } from '@onshi/core';
import type { AuditEntry } from '../../audit/auditLog.js';
import type { ServerContext } from '../../context.js';
import { AppError } from '../../http/errors.js';
import type { AuditRow, StoreTx } from '../../store/types.js';
import { PORTAL_ERRORS } from './errors.js';

/** How long a portal session lasts (Onshi's choice, decision 0110; マイナポータル logs out after inactivity). */
export const SESSION_TTL_MS = 30 * 60_000;

/** Where portal actions are audited: the app's AuditLog. */
export interface PortalAuditSink {
  append(entry: AuditEntry): Promise<AuditRow>;
  appendInTx(tx: StoreTx, entry: AuditEntry): Promise<AuditRow>;
}

/** What every portal command needs: the context and the audit log (a route passes its RouteDeps). */
export interface PortalDeps {
  ctx: ServerContext;
  audit: PortalAuditSink;
}

/** Today in Japan, from the injected clock. */
export function today(ctx: ServerContext): string {
  return tokyoDate(ctx.clock.now());
}

/** Kinds of signed portal token; each has its own key, so one kind never passes for another. */
export type TokenKind = 'session' | 'myInformation' | 'proxyInvitation';

function keyOf(ctx: ServerContext, kind: TokenKind): Buffer {
  return Buffer.from(hkdfSync('sha256', ctx.secrets.proofKey, 'onshi', `portal-token/1/${kind}`, 32));
}

/**
 * A compact signed token `<payload base64url>.<HMAC-SHA256 base64url>` (ASCII only, so it fits a QR code and a URL).
 * The payload carries ids and an expiry, never personal data in clear (decision 0110).
 */
export function signToken(ctx: ServerContext, kind: TokenKind, payload: Record<string, string | number>): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  const mac = createHmac('sha256', keyOf(ctx, kind)).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/** The payload of a token of `kind` whose MAC verifies and whose `exp` (ms) is not past; undefined otherwise. */
export function verifyToken(ctx: ServerContext, kind: TokenKind, token: string): Record<string, unknown> | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 1000) {
    return undefined;
  }
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', keyOf(ctx, kind)).update(body).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return undefined;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return undefined;
  }
  const exp: unknown = Reflect.get(payload, 'exp');
  if (typeof exp !== 'number' || ctx.clock.now().getTime() >= exp) {
    return undefined;
  }
  return payload as Record<string, unknown>;
}

/** Logged-out sessions of one server context, kept until their natural expiry. */
const loggedOut = new WeakMap<ServerContext, Map<string, number>>();

function loggedOutOf(ctx: ServerContext): Map<string, number> {
  let map = loggedOut.get(ctx);
  if (map === undefined) {
    map = new Map();
    loggedOut.set(ctx, map);
  }
  return map;
}

/** A session as issued at login. */
export interface PortalSessionToken {
  token: string;
  sessionId: string;
  expiresAt: string;
}

/** Issues a session for a person logged in with their card. */
export function issueSession(ctx: ServerContext, personId: string, cardId: string): PortalSessionToken {
  const sessionId = randomUUID();
  const exp = ctx.clock.now().getTime() + SESSION_TTL_MS;
  return {
    token: signToken(ctx, 'session', { sid: sessionId, pid: personId, cid: cardId, exp }),
    sessionId,
    expiresAt: new Date(exp).toISOString(),
  };
}

/** Ends a session at once (logout); its token is refused from now on. */
export function endSession(ctx: ServerContext, session: { sessionId: string; expiresAtMs: number }): void {
  const map = loggedOutOf(ctx);
  const now = ctx.clock.now().getTime();
  for (const [id, until] of map) {
    if (until <= now) {
      map.delete(id);
    }
  }
  map.set(session.sessionId, session.expiresAtMs);
}

/**
 * Who is using the portal: the logged-in person, and whose data they see — themselves, or the principal of a proxy
 * grant (代理人) that is in force right now.
 */
export interface PortalViewer {
  sessionId: string;
  expiresAtMs: number;
  /** The person logged in with their card. */
  personId: string;
  /** The card they logged in with. */
  cardId: string;
  /** Whose data this request reads or changes. */
  subjectPersonId: string;
  /** The proxy grant used, or null when acting for oneself. */
  grantId: string | null;
}

/** Header naming the proxy grant a proxy acts under. */
export const ACTING_FOR_HEADER = 'onshi-acting-for';

function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1];
}

/**
 * The viewer of a portal request: a valid, not logged-out session; with `Onshi-Acting-For`, a proxy grant read from
 * the store on every request (a removed proxy is refused at once; nothing is cached, decision 0113).
 */
export async function requireViewer(ctx: ServerContext, request: FastifyRequest): Promise<PortalViewer> {
  const token = sessionToken(request);
  const payload = token === undefined ? undefined : verifyToken(ctx, 'session', token);
  const sid = payload?.sid;
  const pid = payload?.pid;
  const cid = payload?.cid;
  const exp = payload?.exp;
  if (typeof sid !== 'string' || typeof pid !== 'string' || typeof cid !== 'string' || typeof exp !== 'number') {
    throw new AppError(PORTAL_ERRORS.notLoggedIn);
  }
  if (loggedOutOf(ctx).has(sid)) {
    throw new AppError(PORTAL_ERRORS.notLoggedIn, 'logged out');
  }
  const viewer: PortalViewer = {
    sessionId: sid,
    expiresAtMs: exp,
    personId: pid,
    cardId: cid,
    subjectPersonId: pid,
    grantId: null,
  };
  const acting = request.headers[ACTING_FOR_HEADER];
  const grantId = Array.isArray(acting) ? acting[0] : acting;
  if (grantId === undefined || grantId === '') {
    return viewer;
  }
  const grant = await ctx.store.proxies.get(grantId);
  if (grant === null || grant.revokedAt !== null || grant.proxyPersonId !== pid) {
    throw new AppError(PORTAL_ERRORS.proxyNotAllowed);
  }
  return { ...viewer, subjectPersonId: grant.principalPersonId, grantId: grant.id };
}

/** Refuses a change a proxy may not make for the principal (registration, proxies): only the person themselves. */
export function requireSelf(viewer: PortalViewer): void {
  if (viewer.grantId !== null) {
    throw new AppError(PORTAL_ERRORS.proxyOnlyForSelf);
  }
}

/** The audit fields of a portal action: the logged-in person acts; a proxy's grant is named. */
export function portalActor(
  viewer: PortalViewer,
): Pick<AuditEntry, 'actorKind' | 'actorId' | 'personId'> & { detail: AuditEntry['detail'] } {
  return {
    actorKind: 'person',
    actorId: viewer.personId,
    personId: viewer.subjectPersonId,
    detail: { proxyGrantId: viewer.grantId },
  };
}
