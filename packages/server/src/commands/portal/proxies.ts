import { AppError } from '../../http/errors.js';
import type { ProxyGrant, StoreTx } from '../../store/types.js';
import { PORTAL_ERRORS } from './errors.js';
import { portalActor, requireSelf, signToken, verifyToken, type PortalDeps, type PortalViewer } from './session.js';

/** How long a proxy invitation code can be accepted (Onshi's choice, decision 0113). */
export const PROXY_INVITATION_HOURS = 24;

/** An invitation the principal hands to the person who will act for them. */
export interface ProxyInvitation {
  code: string;
  expiresAt: string;
}

/**
 * 代理人設定, step 1: the principal (logged in with their own card, not acting for anyone) makes an invitation code.
 * The code is signed and names only the principal's id and its expiry; the proxy accepts it after logging in with
 * their own card, so both cards and both PINs took part.
 */
export function inviteProxy(deps: PortalDeps, viewer: PortalViewer): ProxyInvitation {
  requireSelf(viewer);
  const exp = deps.ctx.clock.now().getTime() + PROXY_INVITATION_HOURS * 3_600_000;
  return {
    code: signToken(deps.ctx, 'proxyInvitation', { pid: viewer.personId, exp }),
    expiresAt: new Date(exp).toISOString(),
  };
}

/** A grant as either side sees it. */
export interface ProxyGrantView {
  grantId: string;
  grantedAt: string;
  revokedAt: string | null;
  /** The other person's name (the principal's for a proxy, the proxy's for a principal). */
  otherName: string;
}

async function viewOf(tx: StoreTx, grant: ProxyGrant, otherId: string): Promise<ProxyGrantView> {
  return {
    grantId: grant.id,
    grantedAt: grant.grantedAt,
    revokedAt: grant.revokedAt,
    otherName: (await tx.persons.get(otherId))?.nameKanji ?? '',
  };
}

/** 代理人設定, step 2: the proxy accepts the code; the grant takes effect at once. */
export async function acceptProxyInvitation(
  deps: PortalDeps,
  tx: StoreTx,
  viewer: PortalViewer,
  code: string,
): Promise<ProxyGrantView> {
  requireSelf(viewer);
  const payload = verifyToken(deps.ctx, 'proxyInvitation', code);
  const principalId = payload?.pid;
  if (typeof principalId !== 'string' || principalId === viewer.personId) {
    throw new AppError(PORTAL_ERRORS.proxyInvitationInvalid);
  }
  const existing = (await tx.proxies.listByPrincipal(principalId)).find(
    (g) => g.proxyPersonId === viewer.personId && g.revokedAt === null,
  );
  if (existing !== undefined) {
    return viewOf(tx, existing, principalId);
  }
  const grant = await tx.proxies.grant({
    principalPersonId: principalId,
    proxyPersonId: viewer.personId,
    grantedAt: deps.ctx.clock.now().toISOString(),
  });
  await deps.audit.appendInTx(tx, {
    ...portalActor(viewer),
    personId: principalId,
    action: 'portal.proxy.grant',
    target: grant.id,
    outcome: 'allowed',
  });
  return viewOf(tx, grant, principalId);
}

/** Both sides of the person's proxy grants (in force and ended). */
export async function listProxies(
  tx: StoreTx,
  viewer: PortalViewer,
): Promise<{ myProxies: ProxyGrantView[]; actingFor: ProxyGrantView[] }> {
  const [given, held] = await Promise.all([
    tx.proxies.listByPrincipal(viewer.personId),
    tx.proxies.listByProxy(viewer.personId),
  ]);
  return {
    myProxies: await Promise.all(given.map((g) => viewOf(tx, g, g.proxyPersonId))),
    actingFor: await Promise.all(held.map((g) => viewOf(tx, g, g.principalPersonId))),
  };
}

/**
 * Removes a proxy (by the principal, or the proxy stepping down). It takes effect at once: every later request under
 * the grant is refused, whatever session the proxy holds, because the grant is read on every request.
 */
export async function removeProxy(
  deps: PortalDeps,
  tx: StoreTx,
  viewer: PortalViewer,
  grantId: string,
): Promise<ProxyGrantView> {
  requireSelf(viewer);
  const grant = await tx.proxies.get(grantId);
  if (grant === null || (grant.principalPersonId !== viewer.personId && grant.proxyPersonId !== viewer.personId)) {
    throw new AppError(PORTAL_ERRORS.proxyNotAllowed);
  }
  const at = deps.ctx.clock.now().toISOString();
  await tx.proxies.revoke(grant.id, at);
  await deps.audit.appendInTx(tx, {
    ...portalActor(viewer),
    personId: grant.principalPersonId,
    action: 'portal.proxy.revoke',
    target: grant.id,
    outcome: 'allowed',
  });
  const other = grant.principalPersonId === viewer.personId ? grant.proxyPersonId : grant.principalPersonId;
  return viewOf(tx, { ...grant, revokedAt: grant.revokedAt ?? at }, other);
}
