/**
 * The card authority as a running service (J-LIS role, issue 5): the CA of packages/server/src/authority loaded
 * from the store (sealed under the server secret, decision 0090), its trust store, and the CRL it publishes and
 * regenerates on every revocation. One per ServerContext: the API, the CLI and the OQS service share it.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { insuranceUseGraceEnd, tokyoDate } from '@onshi/core';
import type { ServerContext } from '../../context.js';
import { AppError } from '../../http/errors.js';
import { CardAuthority, RevocationList, TrustStore, normaliseSerial } from '../../authority/index.js';
import type { AuthorityState, RevocationEntry } from '../../authority/index.js';
import type { PublishedCrl, StoreTx } from '../../store/types.js';
import { cardTrustOf, configureCardTrust } from '../oqs/cardTrust.js';
import { AUTHORITY_ERRORS } from './errors.js';

/** A CRL is valid for 7 days and re-issued once it is a day old (or at once after a revocation). */
const CRL_VALIDITY_DAYS = 7;
const CRL_REFRESH_MS = 86_400_000;
/** How long a process trusts its cached CRL before asking the store whether a newer one was published. */
const CRL_CHECK_MS = 5_000;

const REASONS: readonly NonNullable<RevocationEntry['reason']>[] = [
  'unspecified',
  'keyCompromise',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
];

/**
 * The key certificate rows are stored under: the serial as `verifyCertificate` reports it (uppercase hex without
 * leading zeros), lower-cased as the store's Certificate.serial is documented. Look a verified serial up with
 * `store.certificates.personIdBySerial(certificateSerialKey(verdict.serial))`.
 */
export function certificateSerialKey(serial: string): string {
  return normaliseSerial(serial).toLowerCase();
}

function sealingKey(ctx: ServerContext): Buffer {
  return Buffer.from(hkdfSync('sha256', ctx.secrets.proofKey, 'onshi', 'card-authority-state/1', 32));
}

/** AES-256-GCM under a key derived (HKDF) from the server secret: the database alone never reveals the CA keys. */
function seal(ctx: ServerContext, state: AuthorityState): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(ctx), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

function unseal(ctx: ServerContext, sealed: string): AuthorityState {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined) {
    throw new AppError(AUTHORITY_ERRORS.stateUnreadable, 'unknown sealing format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(ctx), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as AuthorityState;
  } catch {
    throw new AppError(AUTHORITY_ERRORS.stateUnreadable);
  }
}

interface CachedCrl {
  crl: PublishedCrl;
  list: RevocationList;
  checkedAt: number;
}

/** The card authority service of one server context. */
export class CardAuthorityService {
  private cached: CachedCrl | undefined;
  /** Until this instant every read asks the store for a newer CRL (set after a local publication). */
  private eagerUntil = 0;

  private constructor(
    private readonly ctx: ServerContext,
    /** The CA (keys inside); pure cryptography. */
    readonly ca: CardAuthority,
    /** Root and issuing CA, parsed once, for `verifyCertificate`. */
    readonly trust: TrustStore,
  ) {}

  /**
   * Loads the CA from the store, creating it on the very first start (two processes starting together agree on
   * one: the first stored state wins), and makes sure a CRL is published.
   */
  static async open(ctx: ServerContext): Promise<CardAuthorityService> {
    let record = await ctx.store.authority.getState();
    if (record === null) {
      const fresh = await CardAuthority.create(ctx.clock.now());
      record = await ctx.store.authority.initState({
        sealedState: seal(ctx, await fresh.exportState()),
        createdAt: ctx.clock.now().toISOString(),
      });
    }
    const ca = await CardAuthority.load(unseal(ctx, record.sealedState)).catch(() => {
      throw new AppError(AUTHORITY_ERRORS.stateUnreadable, 'the stored CA state is malformed');
    });
    const trust = TrustStore.create({ roots: [ca.rootCertificate], intermediates: [ca.issuingCertificate] });
    const service = new CardAuthorityService(ctx, ca, trust);
    if ((await ctx.store.authority.latestCrl()) === null) {
      await ctx.store.transaction((tx) => service.publishCrl(tx));
    }
    await service.sync();
    return service;
  }

  /**
   * Hands the OQS service this CA's trust store and the current CRL (`configureCardTrust`). Called at start, after
   * every committed revocation and periodically (a revocation by another process, the daily CRL). A trust some
   * other code configured on the context (a test's own CA) is left alone.
   */
  async sync(): Promise<void> {
    const { list } = await this.cachedCrl();
    let current: ReturnType<typeof cardTrustOf> | undefined;
    try {
      current = cardTrustOf(this.ctx);
    } catch {
      current = undefined;
    }
    if (current !== undefined && current.trust !== this.trust) {
      return;
    }
    configureCardTrust(this.ctx, { trust: this.trust, crls: [list] });
  }

  /** The CA chain as PEM, issuing CA first then the root (what `/authority/v1/ca` serves). */
  chainPem(): string {
    return [this.ca.issuingCertificate, this.ca.rootCertificate].map((der) => pem('CERTIFICATE', der)).join('');
  }

  /**
   * Signs and stores a new CRL listing every revoked or held certificate whose insurance-use grace has not ended
   * (after it a certificate is refused as expired anyway, RFC 5280 §3.3). Call inside the transaction that revoked:
   * the CRL number is taken first, which serialises concurrent publishers on PostgreSQL.
   */
  async publishCrl(tx: StoreTx): Promise<PublishedCrl> {
    const now = this.ctx.clock.now();
    const crlNumber = await tx.authority.nextCrlNumber();
    const today = tokyoDate(now);
    const entries: RevocationEntry[] = (await tx.authority.listRevoked())
      .filter((r) => insuranceUseGraceEnd(tokyoDate(new Date(r.notAfter))) >= today)
      .map((r) => ({
        serial: r.serial,
        revokedAt: new Date(r.revokedAt),
        reason: REASONS.find((x) => x === r.revocationReason) ?? 'unspecified',
      }));
    const nextUpdate = new Date(now.getTime() + CRL_VALIDITY_DAYS * 86_400_000);
    const der = await this.ca.createCrl({ entries, thisUpdate: now, nextUpdate, crlNumber });
    const crl: PublishedCrl = { crlNumber, thisUpdate: now.toISOString(), nextUpdate: nextUpdate.toISOString(), der };
    await tx.authority.publishCrl(crl);
    this.eagerUntil = now.getTime() + CRL_CHECK_MS;
    return crl;
  }

  /** The CRL in force (DER and its numbers), re-issued when it is a day old. */
  async currentCrl(): Promise<PublishedCrl> {
    return (await this.cachedCrl()).crl;
  }

  /**
   * The verified revocation lists to pass to `verifyCertificate` (`crls`). Cached per process; a revocation made
   * by another process (the CLI) is seen within 5 seconds, one made here at once.
   */
  async revocationLists(): Promise<RevocationList[]> {
    return [(await this.cachedCrl()).list];
  }

  private async cachedCrl(): Promise<CachedCrl> {
    const now = this.ctx.clock.now().getTime();
    let cached = this.cached;
    const mustCheck = cached === undefined || now < this.eagerUntil || now - cached.checkedAt >= CRL_CHECK_MS;
    if (cached !== undefined && !mustCheck) {
      return cached;
    }
    const newer = await this.ctx.store.authority.latestCrl(cached?.crl.crlNumber ?? 0);
    if (newer !== null) {
      cached = await this.index(newer, now);
    } else if (cached !== undefined) {
      cached.checkedAt = now;
    }
    if (cached === undefined || now - Date.parse(cached.crl.thisUpdate) >= CRL_REFRESH_MS) {
      const fresh = await this.ctx.store.transaction((tx) => this.publishCrl(tx));
      cached = await this.index(fresh, now);
    }
    this.cached = cached;
    return cached;
  }

  private async index(crl: PublishedCrl, now: number): Promise<CachedCrl> {
    const list = await RevocationList.load(crl.der, this.trust);
    if (list === undefined) {
      throw new AppError(AUTHORITY_ERRORS.stateUnreadable, 'the stored CRL does not verify under this CA');
    }
    return { crl, list, checkedAt: now };
  }
}

function pem(tag: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${tag}-----\n${lines.join('\n')}\n-----END ${tag}-----\n`;
}

/** PEM of DER bytes (certificates, CRLs). */
export function toPem(tag: 'CERTIFICATE' | 'X509 CRL', der: Uint8Array): string {
  return pem(tag, der);
}

const services = new WeakMap<ServerContext, Promise<CardAuthorityService>>();

/**
 * The card authority of a server context, opened on first use. The OQS service verifies card certificates with
 * `(await cardAuthorityOf(ctx)).trust` and `.revocationLists()`.
 */
export function cardAuthorityOf(ctx: ServerContext): Promise<CardAuthorityService> {
  let service = services.get(ctx);
  if (service === undefined) {
    service = CardAuthorityService.open(ctx);
    services.set(ctx, service);
    service.catch(() => services.delete(ctx));
  }
  return service;
}
