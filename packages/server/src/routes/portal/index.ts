import { readFile } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { accessHistory } from '../../commands/portal/accessHistory.js';
import {
  registerAtReader,
  registerAtTerminal,
  terminalChallenge,
  type ReaderCardProof,
} from '../../commands/portal/channels.js';
import { portalDemoWalletOf } from '../../commands/portal/demoWallet.js';
import { PORTAL_ERRORS } from '../../commands/portal/errors.js';
import { renderExpenseStatement } from '../../commands/portal/expenseStatement.js';
import { completeLogin, logout, startLogin } from '../../commands/portal/login.js';
import {
  medicalExpenseCsv,
  medicalExpenseCsvName,
  medicalExpenseNotice,
} from '../../commands/portal/medicalExpenses.js';
import { myInformation, myInformationPdf, verifyMyInformation } from '../../commands/portal/myInformation.js';
import { portalNotices } from '../../commands/portal/notices.js';
import { acceptProxyInvitation, inviteProxy, listProxies, removeProxy } from '../../commands/portal/proxies.js';
import { myQualifications, requirePersonRecord } from '../../commands/portal/qualifications.js';
import { ownRecords } from '../../commands/portal/records.js';
import {
  registerInsuranceUse,
  registrationStatus,
  unregisterInsuranceUse,
} from '../../commands/portal/registration.js';
import { portalActor, requireSelf, requireViewer, today, type PortalViewer } from '../../commands/portal/session.js';
import { whatToBring } from '../../commands/portal/whatToBring.js';
import { AppError } from '../../http/errors.js';
import { idempotentWrite } from '../../http/idempotency.js';
import type { RouteDeps } from '../deps.js';
import { WEB_DIST } from '../web/index.js';
import * as S from './schemas.js';

const tags = ['portal'];
const SCOPE = 'portal';

function bytes(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value, 'base64url'));
}

function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function readerProofOf(body: S.ReaderRegistrationBodyType): ReaderCardProof {
  if (body.pin !== undefined && body.face === undefined) {
    return { kind: 'pin', signature: bytes(body.pin.signature), certificate: bytes(body.pin.certificate) };
  }
  if (body.face !== undefined && body.pin === undefined) {
    const { attestation } = body.face;
    return {
      kind: 'faceAuth',
      attestation: {
        payload: attestation.payload,
        signature: bytes(attestation.signature),
        readerCertificate: bytes(attestation.readerCertificate),
      },
      cardCertificate: bytes(body.face.cardCertificate),
    };
  }
  throw new AppError(PORTAL_ERRORS.signatureInvalid, 'send exactly one of pin (PIN path) or face (face path)');
}

function sendFile(reply: FastifyReply, type: string, fileName: string, body: Buffer | string): FastifyReply {
  return reply
    .type(type)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .header('cache-control', 'no-store')
    .send(body);
}

/**
 * The citizen portal (/portal/v1, issue 8): card login (challenge → the card signs after its PIN → session),
 * 健康保険証利用登録 and 利用登録解除, the qualification and わたしの情報 (with PDF/QR and its verification for
 * reception), own records, 医療費通知情報 with the tax exports, the access history, proxies, notices and "what do I
 * bring". Session routes take `Authorization: Bearer <session token>`; a proxy adds `Onshi-Acting-For: <grantId>`.
 * The registration channels of clinics and PIN terminals take their operators' credentials (decision 0112).
 */
export function registerPortalRoutes(app: App, deps: RouteDeps): void {
  const { ctx } = deps;
  const viewer = (request: FastifyRequest): Promise<PortalViewer> => requireViewer(ctx, request);

  // --- the portal screens (the web app's page; the app picks the screen by path) ---------------------------------
  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    let html: Buffer;
    try {
      html = await readFile(`${WEB_DIST}index.html`);
    } catch {
      throw new AppError(PORTAL_ERRORS.demoUnavailable, 'the web app is not built: npm run build -w @onshi/web');
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  };
  app.get('/portal', { schema: { hide: true } }, page);
  app.get('/portal/', { schema: { hide: true } }, page);

  // --- login -----------------------------------------------------------------------------------------------------
  app.post(
    '/portal/v1/login/challenges',
    {
      schema: {
        tags,
        summary: 'Login step 1: the card certificate (read without PIN) → a challenge; face-only cards are refused',
        body: S.CertificateBody,
        response: { 201: S.LoginChallengeResponse, ...S.errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await startLogin(deps, { certificate: bytes(request.body.certificate) })),
  );

  app.post(
    '/portal/v1/login',
    {
      schema: {
        tags,
        summary: 'Login step 2: the card signature over the challenge (made after the 4-digit PIN) → a session',
        body: S.LoginBody,
        response: { 200: S.LoginResponse, ...S.errorResponses },
      },
    },
    async (request) =>
      completeLogin(deps, {
        challengeId: request.body.challengeId,
        signature: bytes(request.body.signature),
        certificate: bytes(request.body.certificate),
      }),
  );

  app.post(
    '/portal/v1/logout',
    {
      schema: { tags, summary: 'Ends the session at once', response: { 204: S.NoContent, ...S.errorResponses } },
    },
    async (request, reply) => {
      await logout(deps, await viewer(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/portal/v1/me',
    {
      schema: {
        tags,
        summary: 'Who is logged in, and for whom they act',
        response: { 200: S.MeResponse, ...S.errorResponses },
      },
    },
    async (request) => {
      const v = await viewer(request);
      const me = await requirePersonRecord(ctx.store, v.personId);
      const subject = v.grantId === null ? null : await requirePersonRecord(ctx.store, v.subjectPersonId);
      return {
        nameKanji: me.nameKanji,
        actingFor: v.grantId === null || subject === null ? null : { grantId: v.grantId, nameKanji: subject.nameKanji },
        sessionExpiresAt: new Date(v.expiresAtMs).toISOString(),
      };
    },
  );

  // --- the browser demo: the server holds the wallet's chips (like the kiosk's reader bridge) ----------------------
  app.get(
    '/portal/v1/demo/wallet',
    {
      schema: {
        tags,
        summary: 'Demo: the cards of the demo wallet (labels only)',
        response: { 200: S.DemoWalletResponse, ...S.errorResponses },
      },
    },
    () => ({ cards: portalDemoWalletOf(ctx).list() }),
  );

  app.post(
    '/portal/v1/demo/login',
    {
      schema: {
        tags,
        summary: 'Demo: log in with a wallet card and its PIN (the server drives the chip; wrong PINs count on it)',
        body: S.DemoLoginBody,
        response: { 200: S.DemoLoginResponse, ...S.errorResponses },
      },
    },
    async (request) => portalDemoWalletOf(ctx).login(deps, request.body.cardId, request.body.pin),
  );

  // --- 健康保険証利用登録 ---------------------------------------------------------------------------------------------
  app.get(
    '/portal/v1/insurance-use',
    {
      schema: {
        tags,
        summary: '健康保険証利用登録: registered since … via …, or 未登録',
        response: { 200: S.RegistrationStatusResponse, ...S.errorResponses },
      },
    },
    async (request) => registrationStatus(deps, (await viewer(request)).subjectPersonId),
  );

  app.post(
    '/portal/v1/insurance-use/registration',
    {
      schema: {
        tags,
        summary: '健康保険証利用登録 through the portal (the card logged in with; terms accepted)',
        body: S.RegisterBody,
        response: { 201: S.RegistrationStatusResponse, ...S.errorResponses },
      },
    },
    async (request, reply) => {
      const v = await viewer(request);
      requireSelf(v);
      if (!request.body.acceptTerms) {
        throw new AppError(PORTAL_ERRORS.termsNotAccepted);
      }
      return idempotentWrite(ctx, request, reply, `${SCOPE}:${v.personId}`, async (tx) => {
        const card = await tx.cards.get(v.cardId);
        if (card === null) {
          throw new AppError(PORTAL_ERRORS.cardNotUsable, 'card missing');
        }
        const actor = portalActor(v);
        return { status: 201, body: await registerInsuranceUse(deps, tx, { card, channel: 'portal', actor }) };
      });
    },
  );

  app.post(
    '/portal/v1/insurance-use/unregistration',
    {
      schema: {
        tags,
        summary: '利用登録解除 by application; answers the consequence (a 資格確認書 will be sent)',
        body: S.UnregisterBody,
        response: { 200: S.UnregistrationResponse, ...S.errorResponses },
      },
    },
    async (request, reply) => {
      const v = await viewer(request);
      requireSelf(v);
      return idempotentWrite(ctx, request, reply, `${SCOPE}:${v.personId}`, async (tx) => ({
        status: 200,
        body: await unregisterInsuranceUse(deps, tx, { personId: v.personId, actor: portalActor(v) }),
      }));
    },
  );

  app.post(
    '/portal/v1/channels/reader/registrations',
    {
      schema: {
        tags,
        summary: '健康保険証利用登録 at a clinic reader (institution credential; PIN or face; face-only cards too)',
        body: S.ReaderRegistrationBody,
        response: { 201: S.RegistrationStatusResponse, ...S.errorResponses },
      },
    },
    async (request, reply) => {
      const { institutionCode } = await deps.auth.require(request, 'institution');
      const proof = readerProofOf(request.body);
      return idempotentWrite(ctx, request, reply, `${SCOPE}:reader:${institutionCode}`, async (tx) => ({
        status: 201,
        body: await registerAtReader(deps, tx, {
          institutionCode,
          readerId: request.body.readerId,
          challengeId: request.body.challengeId,
          proof,
        }),
      }));
    },
  );

  app.post(
    '/portal/v1/channels/:channel/challenges',
    {
      schema: {
        tags,
        summary: 'A PIN terminal (bank ATM, ward office) starts a registration: certificate → challenge',
        params: S.TerminalParams,
        body: S.TerminalChallengeBody,
        response: { 201: S.ChallengeOnlyResponse, ...S.errorResponses },
      },
    },
    async (request, reply) => {
      await deps.auth.require(request, 'authority');
      const challenge = await terminalChallenge(deps, {
        channel: request.params.channel,
        certificate: bytes(request.body.certificate),
      });
      return reply.status(201).send(challenge);
    },
  );

  app.post(
    '/portal/v1/channels/:channel/registrations',
    {
      schema: {
        tags,
        summary: '健康保険証利用登録 at a PIN terminal: the card signature after the PIN (face-only cards refused)',
        params: S.TerminalParams,
        body: S.TerminalRegistrationBody,
        response: { 201: S.RegistrationStatusResponse, ...S.errorResponses },
      },
    },
    async (request, reply) => {
      await deps.auth.require(request, 'authority');
      if (!request.body.acceptTerms) {
        throw new AppError(PORTAL_ERRORS.termsNotAccepted);
      }
      const { channel } = request.params;
      return idempotentWrite(ctx, request, reply, `${SCOPE}:${channel}`, async (tx) => ({
        status: 201,
        body: await registerAtTerminal(deps, tx, {
          channel,
          terminalId: request.body.terminalId,
          challengeId: request.body.challengeId,
          signature: bytes(request.body.signature),
          certificate: bytes(request.body.certificate),
        }),
      }));
    },
  );

  // --- 資格情報 and わたしの情報 -------------------------------------------------------------------------------------
  app.get(
    '/portal/v1/qualifications',
    {
      schema: {
        tags,
        summary: 'My qualification now and its history (insurer, 記号・番号・枝番, co-pay, 限度額区分)',
        response: { 200: S.QualificationsResponse, ...S.errorResponses },
      },
    },
    async (request) => myQualifications(ctx.store, (await viewer(request)).subjectPersonId, today(ctx)),
  );

  app.get(
    '/portal/v1/my-information',
    {
      schema: {
        tags,
        summary: 'わたしの情報: the screen reception accepts with the card when the reader fails',
        response: { 200: S.MyInformationResponse, ...S.errorResponses },
      },
    },
    async (request) => myInformation(deps, (await viewer(request)).subjectPersonId, baseUrlOf(request)),
  );

  app.get(
    '/portal/v1/my-information.pdf',
    { schema: { tags, summary: 'わたしの情報 as a PDF with a QR code (signed verification URL)' } },
    async (request, reply) => {
      const v = await viewer(request);
      const pdf = await myInformationPdf(deps, v.subjectPersonId, baseUrlOf(request));
      return sendFile(reply, 'application/pdf', `わたしの情報_${today(ctx)}.pdf`, pdf);
    },
  );

  app.get(
    '/portal/v1/my-information/verifications',
    {
      schema: {
        tags,
        summary: 'Reception verifies a わたしの情報 QR code (institution credential): today’s qualification',
        querystring: S.TokenQuery,
        response: { 200: S.VerificationResponse, ...S.errorResponses },
      },
    },
    async (request) => {
      const { institutionCode } = await deps.auth.require(request, 'institution');
      return verifyMyInformation(deps, { token: request.query.t, institutionCode });
    },
  );

  // --- own records, 医療費通知情報 ----------------------------------------------------------------------------------
  app.get(
    '/portal/v1/records/:kind',
    {
      schema: {
        tags,
        summary: '薬剤情報 / 特定健診 / 診療情報 / 手術情報: my own records (hidden under 自己情報提供不可)',
        params: S.RecordParams,
        response: { 200: S.RecordsResponse, ...S.errorResponses },
      },
    },
    async (request) =>
      ownRecords(ctx.store, {
        personId: (await viewer(request)).subjectPersonId,
        kind: request.params.kind,
        date: today(ctx),
      }),
  );

  const notice = async (request: FastifyRequest, year: number) => {
    const v = await viewer(request);
    const person = await requirePersonRecord(ctx.store, v.subjectPersonId);
    return { person, notice: await medicalExpenseNotice(ctx.store, { personId: person.id, year, date: today(ctx) }) };
  };

  app.get(
    '/portal/v1/medical-expenses',
    {
      schema: {
        tags,
        summary:
          '医療費通知情報 of a calendar year (from claims; a month appears from the 10th of the 2nd month after)',
        querystring: S.YearQuery,
        response: { 200: S.MedicalExpensesResponse, ...S.errorResponses },
      },
    },
    async (request) => (await notice(request, request.query.year)).notice,
  );

  app.get(
    '/portal/v1/medical-expenses.csv',
    {
      schema: {
        tags,
        summary: '医療費控除 export: CSV `医療費情報_YYYYMMDDHHMMSSmmm.csv` in the portal layout',
        querystring: S.YearQuery,
      },
    },
    async (request, reply) => {
      const { person, notice: n } = await notice(request, request.query.year);
      return sendFile(
        reply,
        'text/csv; charset=utf-8',
        medicalExpenseCsvName(ctx.clock.now()),
        medicalExpenseCsv(n, person),
      );
    },
  );

  app.get(
    '/portal/v1/medical-expenses.pdf',
    {
      schema: { tags, summary: '医療費控除 export: a printable 明細書 (PDF)', querystring: S.YearQuery },
    },
    async (request, reply) => {
      const { person, notice: n } = await notice(request, request.query.year);
      const pdf = await renderExpenseStatement(n, person, ctx.clock.now());
      return sendFile(reply, 'application/pdf', `医療費控除の明細書_${String(n.year)}.pdf`, pdf);
    },
  );

  // --- access history, notices, what to bring ------------------------------------------------------------------
  app.get(
    '/portal/v1/access-history',
    {
      schema: {
        tags,
        summary: 'Who looked at my data: confirmations and medical-information reads by institutions (audit log)',
        response: { 200: S.AccessHistoryResponse, ...S.errorResponses },
      },
    },
    async (request) =>
      accessHistory(ctx.store, { personId: (await viewer(request)).subjectPersonId, date: today(ctx) }),
  );

  app.get(
    '/portal/v1/notices',
    {
      schema: {
        tags,
        summary: 'Notices: card or certificate expiring (with the grace), qualification lost, a 資格確認書 on its way',
        response: { 200: S.NoticesResponse, ...S.errorResponses },
      },
    },
    async (request) => ({
      notices: await portalNotices(ctx.store, { personId: (await viewer(request)).subjectPersonId, date: today(ctx) }),
    }),
  );

  app.get(
    '/portal/v1/what-to-bring',
    {
      schema: {
        tags,
        summary: 'What do I bring to the clinic on a date? (the rules engine’s answer for me)',
        querystring: S.DateQuery,
        response: { 200: S.WhatToBringResponse, ...S.errorResponses },
      },
    },
    async (request) =>
      whatToBring(ctx.store, {
        personId: (await viewer(request)).subjectPersonId,
        date: request.query.date ?? today(ctx),
      }),
  );

  // --- proxies (代理人) ------------------------------------------------------------------------------------------
  app.get(
    '/portal/v1/proxies',
    {
      schema: {
        tags,
        summary: 'My proxies, and the persons I act for',
        response: { 200: S.ProxiesResponse, ...S.errorResponses },
      },
    },
    async (request) => listProxies(ctx.store, await viewer(request)),
  );

  app.post(
    '/portal/v1/proxies/invitations',
    {
      schema: {
        tags,
        summary: 'Invite a proxy: a code (24 h) the proxy accepts after logging in with their own card',
        response: { 201: S.InvitationResponse, ...S.errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(inviteProxy(deps, await viewer(request))),
  );

  app.post(
    '/portal/v1/proxies/acceptances',
    {
      schema: {
        tags,
        summary: 'Accept a proxy invitation (the logged-in person becomes the proxy)',
        body: S.AcceptInvitationBody,
        response: { 201: S.ProxyGrantResponse, ...S.errorResponses },
      },
    },
    async (request, reply) => {
      const v = await viewer(request);
      return idempotentWrite(ctx, request, reply, `${SCOPE}:${v.personId}`, async (tx) => ({
        status: 201,
        body: await acceptProxyInvitation(deps, tx, v, request.body.code),
      }));
    },
  );

  app.delete(
    '/portal/v1/proxies/:grantId',
    {
      schema: {
        tags,
        summary: 'Remove a proxy (takes effect at once)',
        params: S.GrantParams,
        response: { 200: S.ProxyGrantResponse, ...S.errorResponses },
      },
    },
    async (request) => {
      const v = await viewer(request);
      return ctx.store.transaction((tx) => removeProxy(deps, tx, v, request.params.grantId));
    },
  );
}
