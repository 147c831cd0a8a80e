import type { FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { acquireQualification } from '../../commands/insurer/acquireQualification.js';
import { requireOwnDocument, requireOwnMember, type InsurerPrincipal } from '../../commands/insurer/access.js';
import { createInsurer } from '../../commands/insurer/createInsurer.js';
import { clearDvFlag, setDvFlag } from '../../commands/insurer/dvFlags.js';
import { issueDocument } from '../../commands/insurer/issueDocument.js';
import { issueDocumentsDue } from '../../commands/insurer/issueDocumentsDue.js';
import { linkIndividualNumber } from '../../commands/insurer/linkIndividualNumber.js';
import { listMembers, memberHistory, readMember, searchMembers } from '../../commands/insurer/readMembers.js';
import { recordLoss } from '../../commands/insurer/recordLoss.js';
import { listIssuedDocuments, renderIssuedDocument, renderIssuedOn } from '../../commands/insurer/renderDocuments.js';
import { endAttribute, setAttribute } from '../../commands/insurer/setAttribute.js';
import { documentView } from '../../commands/insurer/views.js';
import { idempotentWrite } from '../../http/idempotency.js';
import type { RouteDeps } from '../deps.js';
import { registerInsurerConsoleRoutes } from './consoleRoutes.js';
import { registerInsurerImportRoutes } from './importRoutes.js';
import * as S from './schemas.js';

const TAGS = ['insurer'];

/** Idempotency scope of an insurer's writes: keys are per insurer. */
function scopeOf(principal: InsurerPrincipal): string {
  return `insurer:${principal.insurerNumber}`;
}

/**
 * The insurer API (issue 4): each insurer, with its own credential, reads and changes only its own members. Routes
 * validate (TypeBox), authorize (insurer credential; another insurer's member is refused and audited), run one
 * command in one transaction (with `Idempotency-Key`), and present its result.
 */
export function registerInsurerRoutes(app: App, deps: RouteDeps): void {
  const { ctx, auth, audit } = deps;
  const cmd = { ctx, audit };
  const insurer = (request: FastifyRequest): Promise<InsurerPrincipal> => auth.require(request, 'insurer');

  // --- administration (authority) -----------------------------------------------------------------------------
  app.post(
    '/insurer/v1/insurers',
    {
      schema: {
        tags: TAGS,
        summary: '保険者の登録と認証情報の発行 (authority)',
        body: S.CreateInsurerBody,
        response: { 201: S.CreatedInsurer, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await auth.require(request, 'authority');
      return idempotentWrite(ctx, request, reply, 'authority:insurers', async (tx) => ({
        status: 201,
        body: await createInsurer(ctx, auth, audit, tx, request.body),
      }));
    },
  );

  // --- members ------------------------------------------------------------------------------------------------
  app.post(
    '/insurer/v1/members',
    {
      schema: {
        tags: TAGS,
        summary: '資格取得 (new insured or dependant; new or existing person)',
        body: S.AcquireBody,
        response: { 201: S.Member, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      const { insuredMemberId } = request.body;
      if (insuredMemberId !== undefined && insuredMemberId !== null) {
        await requireOwnMember(cmd, principal, insuredMemberId, 'insurer.member.acquire').catch((error: unknown) => {
          // A missing insured member is the dependant rule's business, reported by the command.
          if (error instanceof Error && 'code' in error && error.code === 'ONSHI-E-INSURER-UNKNOWN-MEMBER') {
            return null;
          }
          throw error;
        });
      }
      return idempotentWrite(ctx, request, reply, scopeOf(principal), async (tx) => ({
        status: 201,
        body: await acquireQualification(cmd, tx, principal, request.body),
      }));
    },
  );

  app.get(
    '/insurer/v1/members',
    {
      schema: {
        tags: TAGS,
        summary: 'Search by 記号・番号(・枝番) (width-folded), or list members in pages',
        querystring: S.MembersQuery,
        response: { 200: S.MemberPage, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = await insurer(request);
      const { symbol, number, branch, afterId, limit } = request.query;
      if (number !== undefined) {
        return searchMembers(ctx, principal, {
          number,
          ...(symbol === undefined ? {} : { symbol }),
          ...(branch === undefined ? {} : { branch }),
        });
      }
      return listMembers(ctx, principal, { limit: limit ?? 100, ...(afterId === undefined ? {} : { afterId }) });
    },
  );

  app.get(
    '/insurer/v1/members/:memberId',
    {
      schema: {
        tags: TAGS,
        summary: 'One member with the attributes in force on asOf',
        params: S.MemberParams,
        querystring: S.AsOfQuery,
        response: { 200: S.Member, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = await insurer(request);
      const q = await requireOwnMember(cmd, principal, request.params.memberId, 'insurer.member.read');
      return readMember(cmd, principal, q, request.query.asOf);
    },
  );

  app.get(
    '/insurer/v1/members/:memberId/history',
    {
      schema: {
        tags: TAGS,
        summary: 'History: periods at this insurer, every attribute row (superseded too), documents',
        params: S.MemberParams,
        response: { 200: S.History, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = await insurer(request);
      const q = await requireOwnMember(cmd, principal, request.params.memberId, 'insurer.member.history');
      return memberHistory(cmd, principal, q);
    },
  );

  app.post(
    '/insurer/v1/members/:memberId/loss',
    {
      schema: {
        tags: TAGS,
        summary: '資格喪失 (the insured person’s dependants lose with them)',
        params: S.MemberParams,
        body: S.LossBody,
        response: { 200: S.LossResult, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      await requireOwnMember(cmd, principal, request.params.memberId, 'insurer.member.loss');
      return idempotentWrite(ctx, request, reply, scopeOf(principal), async (tx) => ({
        status: 200,
        body: await recordLoss(cmd, tx, principal, request.params.memberId, request.body),
      }));
    },
  );

  app.post(
    '/insurer/v1/members/:memberId/dependants',
    {
      schema: {
        tags: TAGS,
        summary: '被扶養者異動: add a dependant to this insured member (same 記号・番号)',
        params: S.MemberParams,
        body: S.DependantBody,
        response: { 201: S.Member, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      await requireOwnMember(cmd, principal, request.params.memberId, 'insurer.member.acquire');
      return idempotentWrite(ctx, request, reply, scopeOf(principal), async (tx) => ({
        status: 201,
        body: await acquireQualification(cmd, tx, principal, {
          ...request.body,
          relationship: 'dependant',
          insuredMemberId: request.params.memberId,
        }),
      }));
    },
  );

  // --- attributes ---------------------------------------------------------------------------------------------
  app.post(
    '/insurer/v1/members/:memberId/attributes',
    {
      schema: {
        tags: TAGS,
        summary: '負担割合 / 限度額適用区分 / 高齢受給者 / 特定疾病 from validFrom',
        params: S.MemberParams,
        body: S.AttributeBody,
        response: { 201: S.Attribute, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      await requireOwnMember(cmd, principal, request.params.memberId, 'insurer.member.attribute');
      return idempotentWrite(ctx, request, reply, scopeOf(principal), async (tx) => ({
        status: 201,
        body: await setAttribute(cmd, tx, principal, request.params.memberId, request.body),
      }));
    },
  );

  app.post(
    '/insurer/v1/members/:memberId/attributes/:attributeId/end',
    {
      schema: {
        tags: TAGS,
        summary: 'End an open attribute on validTo',
        params: S.AttributeParams,
        body: S.EndAttributeBody,
        response: { 200: S.Attribute, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      const { memberId, attributeId } = request.params;
      await requireOwnMember(cmd, principal, memberId, 'insurer.member.attribute.end');
      return idempotentWrite(ctx, request, reply, scopeOf(principal), async (tx) => ({
        status: 200,
        body: await endAttribute(cmd, tx, principal, memberId, attributeId, request.body.validTo),
      }));
    },
  );

  // --- My Number and DV flags -----------------------------------------------------------------------------------
  app.post(
    '/insurer/v1/members/:memberId/individual-number',
    {
      schema: {
        tags: TAGS,
        summary: 'Link a My Number (check digit checked; only the last 4 digits are ever shown)',
        params: S.MemberParams,
        body: S.IndividualNumberBody,
        response: { 200: S.IndividualNumberLink, 201: S.IndividualNumberLink, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      await requireOwnMember(cmd, principal, request.params.memberId, 'insurer.member.individualNumber.link');
      return idempotentWrite(ctx, request, reply, scopeOf(principal), async (tx) => {
        const body = await linkIndividualNumber(
          cmd,
          tx,
          principal,
          request.params.memberId,
          request.body.individualNumber,
        );
        return { status: body.created ? 201 : 200, body };
      });
    },
  );

  app.post(
    '/insurer/v1/members/:memberId/dv-flags',
    {
      schema: {
        tags: TAGS,
        summary: 'Set 自己情報提供不可 / 不開示該当 from setOn',
        params: S.MemberParams,
        body: S.SetDvFlagBody,
        response: { 201: S.DvFlagPeriod, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      await requireOwnMember(cmd, principal, request.params.memberId, 'insurer.member.dvFlag.set');
      return idempotentWrite(ctx, request, reply, scopeOf(principal), async (tx) => ({
        status: 201,
        body: await setDvFlag(cmd, tx, principal, request.params.memberId, request.body),
      }));
    },
  );

  app.post(
    '/insurer/v1/members/:memberId/dv-flags/:flag/clear',
    {
      schema: {
        tags: TAGS,
        summary: 'Clear an open DV flag from clearedOn',
        params: S.DvFlagParams,
        body: S.ClearDvFlagBody,
        response: { 200: S.DvFlagPeriod, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      const { memberId, flag } = request.params;
      await requireOwnMember(cmd, principal, memberId, 'insurer.member.dvFlag.clear');
      return idempotentWrite(ctx, request, reply, scopeOf(principal), async (tx) => ({
        status: 200,
        body: await clearDvFlag(cmd, tx, principal, memberId, { flag, clearedOn: request.body.clearedOn }),
      }));
    },
  );

  // --- documents ----------------------------------------------------------------------------------------------
  app.post(
    '/insurer/v1/members/:memberId/documents',
    {
      schema: {
        tags: TAGS,
        summary: 'Issue a 資格確認書 (validity ≤ 5 years) or a 資格情報のお知らせ',
        params: S.MemberParams,
        body: S.IssueDocumentBody,
        response: { 201: S.IssuedDocument, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      await requireOwnMember(cmd, principal, request.params.memberId, 'insurer.document.issue');
      return idempotentWrite(ctx, request, reply, scopeOf(principal), async (tx) => ({
        status: 201,
        body: await issueDocument(cmd, tx, principal, request.params.memberId, request.body),
      }));
    },
  );

  app.post(
    '/insurer/v1/documents/due-runs',
    {
      schema: {
        tags: TAGS,
        summary: 'Issue everything the rules say is due on date (idempotent per date)',
        body: S.DueRunBody,
        response: { 200: S.DueRun, ...S.ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      return idempotentWrite(ctx, request, reply, scopeOf(principal), async (tx) => ({
        status: 200,
        body: await issueDocumentsDue(cmd, tx, principal, request.body),
      }));
    },
  );

  app.get(
    '/insurer/v1/documents',
    {
      schema: {
        tags: TAGS,
        summary: 'Documents issued between from and to',
        querystring: S.DocumentsQuery,
        response: { 200: S.DocumentPage, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = await insurer(request);
      const { from, to, afterId, limit } = request.query;
      const page = await listIssuedDocuments(ctx.store, principal, {
        fromOn: from,
        toOn: to,
        limit: limit ?? 100,
        ...(afterId === undefined ? {} : { afterId }),
      });
      return { documents: page.documents.map(documentView), nextAfterId: page.nextAfterId };
    },
  );

  app.get(
    '/insurer/v1/documents/issued.pdf',
    {
      schema: {
        tags: TAGS,
        summary: 'One combined PDF of the documents issued on issuedOn',
        querystring: S.IssuedPdfQuery,
        produces: ['application/pdf'],
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      const pdf = await renderIssuedOn(cmd, principal, request.query);
      return reply.type('application/pdf').send(pdf);
    },
  );

  app.get(
    '/insurer/v1/documents/:documentId.pdf',
    {
      schema: {
        tags: TAGS,
        summary: 'The PDF of one issued document (a reprint is identical)',
        params: S.DocumentParams,
        produces: ['application/pdf'],
      },
    },
    async (request, reply) => {
      const principal = await insurer(request);
      const doc = await requireOwnDocument(cmd, principal, request.params.documentId, 'insurer.document.print');
      const pdf = await renderIssuedDocument(cmd, principal, doc);
      return reply.type('application/pdf').send(pdf);
    },
  );

  app.get(
    '/insurer/v1/members/:memberId/documents',
    {
      schema: {
        tags: TAGS,
        summary: 'Documents issued to this member',
        params: S.MemberParams,
        response: { 200: S.DocumentPage, ...S.ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = await insurer(request);
      const q = await requireOwnMember(cmd, principal, request.params.memberId, 'insurer.document.list');
      const docs = (await ctx.store.documents.listByPerson(q.personId)).filter((d) => d.qualificationId === q.id);
      return { documents: docs.map(documentView), nextAfterId: null };
    },
  );

  // --- the insurer console's search and member surroundings, and the CSV import over HTTP (issue 9) -------------
  registerInsurerConsoleRoutes(app, deps);
  registerInsurerImportRoutes(app, deps);
}
