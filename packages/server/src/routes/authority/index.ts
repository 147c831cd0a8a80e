import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { cardAuthorityOf, toPem } from '../../commands/authority/cardAuthority.js';
import { type AuthorityDeps, cardView, requireCard, requirePerson } from '../../commands/authority/deps.js';
import { listExpiryNotices } from '../../commands/authority/expiryNotices.js';
import { issueCard } from '../../commands/authority/issueCard.js';
import {
  type IssuedReaderCertificate,
  issueReaderCertificate,
  revokeReaderCertificate,
} from '../../commands/authority/readerCertificates.js';
import { reissueCard } from '../../commands/authority/reissueCard.js';
import { renewCertificate } from '../../commands/authority/renewCertificate.js';
import { resetPin } from '../../commands/authority/resetPin.js';
import { revokeCards } from '../../commands/authority/revokeCards.js';
import { resumeCard, suspendCard } from '../../commands/authority/suspendCard.js';
import { idempotentWrite } from '../../http/idempotency.js';
import type { StoreTx } from '../../store/types.js';
import type { RouteDeps } from '../deps.js';
import * as S from './schemas.js';

const TAGS = ['authority'];
const SCOPE = 'authority';
const SYNC_MS = 5_000;

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function presentReader(issued: IssuedReaderCertificate) {
  return {
    certificate: issued.certificate,
    certificateDer: b64(issued.certificateDer),
    certificatePem: issued.certificatePem,
    privateKeyPkcs8: issued.privateKeyPkcs8 === null ? null : b64(issued.privateKeyPkcs8),
  };
}

/**
 * The card authority API (J-LIS role, issue 5), for the authority credential only — separate from insurer and
 * institution credentials. Writes that hand over a card image (issue, reissue, renewal, PIN reset) or a reader's
 * private key run in one transaction without an idempotent replay: the response carries the card, which is never
 * stored (decision 0091). The other writes honour `Idempotency-Key`. The CA chain and the CRL are public.
 */
export function registerAuthorityRoutes(app: App, deps: RouteDeps): void {
  const { ctx, auth } = deps;
  const cmd: AuthorityDeps = { ctx, audit: deps.audit };
  const authority = async (request: FastifyRequest): Promise<void> => {
    await auth.require(request, 'authority');
  };
  /** After a committed change: the OQS service sees the new CRL at once. */
  const synced = async <T>(result: T): Promise<T> => {
    await (await cardAuthorityOf(ctx)).sync();
    return result;
  };
  const write = async <T>(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    run: (tx: StoreTx) => Promise<T>,
  ): Promise<T> =>
    synced(await idempotentWrite(ctx, request, reply, SCOPE, async (tx) => ({ status, body: await run(tx) })));
  const once = async <T>(run: (tx: StoreTx) => Promise<T>): Promise<T> => synced(await ctx.store.transaction(run));

  // The live server opens the authority as it starts listening (not for app.inject in tests: a fresh CA costs
  // two RSA key generations) and re-reads the CRL every few seconds for revocations made by the CLI.
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onListen', async () => {
    const service = await cardAuthorityOf(ctx);
    timer = setInterval(() => {
      service.sync().catch((error: unknown) => {
        app.log.error({ err: error instanceof Error ? error.message : 'unknown' }, 'CRL sync failed');
      });
    }, SYNC_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await Promise.resolve();
  });

  // --- public: CA chain and CRL --------------------------------------------------------------------------------
  app.get(
    '/authority/v1/ca',
    { schema: { tags: TAGS, summary: 'CA chain (issuing CA, then root), PEM — public' } },
    async (_request, reply) => {
      const service = await cardAuthorityOf(ctx);
      return reply
        .type('application/pem-certificate-chain')
        .header('cache-control', 'public, max-age=3600')
        .send(service.chainPem());
    },
  );
  app.get(
    '/authority/v1/ca/:which',
    { schema: { tags: TAGS, summary: 'Root or issuing CA certificate, DER — public', params: S.CaParams } },
    async (request, reply) => {
      const service = await cardAuthorityOf(ctx);
      const der = request.params.which === 'root' ? service.ca.rootCertificate : service.ca.issuingCertificate;
      return reply.type('application/pkix-cert').header('cache-control', 'public, max-age=3600').send(Buffer.from(der));
    },
  );
  app.get(
    '/authority/v1/crl',
    {
      schema: {
        tags: TAGS,
        summary: '失効リスト (CRL) of the issuing CA, DER (default) or PEM — public',
        querystring: S.CrlQuery,
      },
    },
    async (request, reply) => {
      const crl = await (await cardAuthorityOf(ctx)).currentCrl();
      void reply
        .header('cache-control', 'public, max-age=60')
        .header('last-modified', new Date(crl.thisUpdate).toUTCString())
        .header('x-crl-number', String(crl.crlNumber));
      if (request.query.format === 'pem') {
        return reply.type('application/x-pem-file').send(toPem('X509 CRL', crl.der));
      }
      return reply.type('application/pkix-crl').send(Buffer.from(crl.der));
    },
  );

  // --- cards ---------------------------------------------------------------------------------------------------
  app.post(
    '/authority/v1/cards',
    {
      schema: {
        tags: TAGS,
        summary: 'カードの交付: issue a card or a smartphone certificate (returns the card image once)',
        body: S.IssueCardBody,
        response: { 201: S.IssuedCard, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await authority(request);
      const result = await once((tx) => issueCard(cmd, tx, request.body));
      return reply.status(201).send(result);
    },
  );
  app.get(
    '/authority/v1/cards/:cardId',
    {
      schema: {
        tags: TAGS,
        summary: 'A card and its certificates',
        params: S.CardIdParams,
        response: { 200: S.CardView, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      await authority(request);
      return ctx.store.transaction(async (tx) => cardView(tx, await requireCard(tx, request.params.cardId)));
    },
  );
  app.get(
    '/authority/v1/persons/:personId/cards',
    {
      schema: {
        tags: TAGS,
        summary: "A person's cards and phones",
        params: S.PersonIdParams,
        response: { 200: S.CardList, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      await authority(request);
      return ctx.store.transaction(async (tx) => {
        await requirePerson(tx, request.params.personId);
        const cards = await tx.cards.listByPerson(request.params.personId);
        return Promise.all(cards.map((c) => cardView(tx, c)));
      });
    },
  );
  app.post(
    '/authority/v1/cards/:cardId/renewal',
    {
      schema: {
        tags: TAGS,
        summary: '電子証明書の更新 (card presented; returns the updated image)',
        params: S.CardIdParams,
        body: S.PresentedCardBody,
        response: { 200: S.CardWithImage, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      await authority(request);
      return once((tx) => renewCertificate(cmd, tx, { cardId: request.params.cardId, image: request.body.image }));
    },
  );
  app.post(
    '/authority/v1/cards/:cardId/reissue',
    {
      schema: {
        tags: TAGS,
        summary: '紛失による再交付: the card is marked lost, its certificates revoked, a new card issued',
        params: S.CardIdParams,
        body: S.ReissueBody,
        response: { 201: S.IssuedCard, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await authority(request);
      const result = await once((tx) => reissueCard(cmd, tx, { cardId: request.params.cardId, ...request.body }));
      return reply.status(201).send(result);
    },
  );
  app.post(
    '/authority/v1/cards/:cardId/suspension',
    {
      schema: {
        tags: TAGS,
        summary: '一時利用停止: certificates put on hold in the CRL',
        params: S.CardIdParams,
        response: { 200: S.CardView, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await authority(request);
      return write(request, reply, 200, (tx) => suspendCard(cmd, tx, { cardId: request.params.cardId }));
    },
  );
  app.post(
    '/authority/v1/cards/:cardId/resumption',
    {
      schema: {
        tags: TAGS,
        summary: '一時利用停止の解除, in person: the card is presented',
        params: S.CardIdParams,
        body: S.PresentedCardBody,
        response: { 200: S.CardView, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await authority(request);
      return write(request, reply, 200, (tx) =>
        resumeCard(cmd, tx, { cardId: request.params.cardId, image: request.body.image }),
      );
    },
  );
  app.post(
    '/authority/v1/cards/:cardId/revocation',
    {
      schema: {
        tags: TAGS,
        summary: '返納: one card is revoked',
        params: S.CardIdParams,
        body: S.ReturnBody,
        response: { 200: S.CardList, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await authority(request);
      return write(request, reply, 200, (tx) =>
        revokeCards(cmd, tx, { cardId: request.params.cardId, reason: request.body.reason }),
      );
    },
  );
  app.post(
    '/authority/v1/persons/:personId/revocation',
    {
      schema: {
        tags: TAGS,
        summary: '死亡による失効: every card and phone of the person',
        params: S.PersonIdParams,
        body: S.DeathBody,
        response: { 200: S.CardList, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await authority(request);
      return write(request, reply, 200, (tx) =>
        revokeCards(cmd, tx, { personId: request.params.personId, reason: request.body.reason }),
      );
    },
  );
  app.post(
    '/authority/v1/cards/:cardId/pin-reset',
    {
      schema: {
        tags: TAGS,
        summary: '暗証番号の初期化 (card presented; unlocks and sets the new PIN)',
        params: S.CardIdParams,
        body: S.PinResetBody,
        response: { 200: S.CardWithImage, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      await authority(request);
      return once((tx) => resetPin(cmd, tx, { cardId: request.params.cardId, ...request.body }));
    },
  );

  // --- jobs ----------------------------------------------------------------------------------------------------
  app.get(
    '/authority/v1/expiry-notices',
    {
      schema: {
        tags: TAGS,
        summary: '有効期限通知書: whose certificate or card expiry notice is due on a date',
        querystring: S.NoticesQuery,
        response: { 200: S.Notices, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      await authority(request);
      return { date: request.query.date, notices: await listExpiryNotices(ctx.store, request.query.date) };
    },
  );

  // --- reader device certificates ------------------------------------------------------------------------------
  app.post(
    '/authority/v1/readers',
    {
      schema: {
        tags: TAGS,
        summary: 'Device certificate for an institution’s face-authentication reader',
        body: S.ReaderBody,
        response: { 201: S.IssuedReader, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await authority(request);
      const { publicKeySpki, ...rest } = request.body;
      const issued = await once((tx) =>
        issueReaderCertificate(cmd, tx, {
          ...rest,
          ...(publicKeySpki !== undefined
            ? { publicKeySpki: new Uint8Array(Buffer.from(publicKeySpki, 'base64')) }
            : {}),
        }),
      );
      return reply.status(201).send(presentReader(issued));
    },
  );
  app.get(
    '/authority/v1/institutions/:institutionCode/readers',
    {
      schema: {
        tags: TAGS,
        summary: 'Reader certificates of an institution',
        params: S.InstitutionParams,
        response: { 200: S.ReaderList, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      await authority(request);
      const list = await ctx.store.authority.listReaderCertificates(request.params.institutionCode);
      return list.map(({ der: _der, ...c }) => c);
    },
  );
  app.post(
    '/authority/v1/readers/:serial/revocation',
    {
      schema: {
        tags: TAGS,
        summary: 'Revoke a reader certificate',
        params: S.SerialParams,
        body: S.ReaderRevokeBody,
        response: { 200: S.ReaderList.items, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await authority(request);
      return write(request, reply, 200, (tx) =>
        revokeReaderCertificate(cmd, tx, { serial: request.params.serial, reason: request.body.reason }),
      );
    },
  );
}
