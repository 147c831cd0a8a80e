import type { ServerContext } from '../../context.js';
import type { Qualification } from '../../store/types.js';
import { type InsurerDeps, type InsurerPrincipal, actorOf, insurerOf, sameInsurer, today } from './access.js';
import { requireDate } from './checks.js';
import {
  type AttributeView,
  type DocumentView,
  type MemberSummary,
  type MemberView,
  attributeView,
  documentView,
  memberSummary,
  memberView,
} from './views.js';

/** One member in full, as of `asOf` (default today); the read is audited like every look at personal data. */
export async function readMember(
  deps: InsurerDeps,
  principal: InsurerPrincipal,
  q: Qualification,
  asOf?: string,
): Promise<MemberView> {
  const on = asOf === undefined ? today(deps.ctx) : requireDate('asOf', asOf);
  const view = await memberView(deps.ctx.store, q, on);
  await deps.audit.append({
    ...actorOf(principal),
    action: 'insurer.member.read',
    personId: q.personId,
    target: `qualification:${q.id}`,
    outcome: 'allowed',
    detail: {},
  });
  return view;
}

/** A page of results. `nextAfterId` continues the listing; null at the end. */
export interface MemberPage {
  members: MemberSummary[];
  nextAfterId: string | null;
}

/**
 * The insurer's members holding 記号・番号(・枝番): 記号/番号 may be typed half- or full-width (rules.md §1.2), the
 * store folds both. An absent 枝番 matches members without one.
 */
export async function searchMembers(
  ctx: ServerContext,
  principal: InsurerPrincipal,
  key: { symbol?: string; number: string; branch?: string },
): Promise<MemberPage> {
  const insurer = await insurerOf(ctx.store, principal);
  const found = await ctx.store.qualifications.findByMemberKey({
    insurerNumber: insurer.insurerNumber,
    symbol: key.symbol ?? null,
    number: key.number,
    branch: key.branch ?? null,
  });
  return {
    members: found.filter((q) => sameInsurer(q.insurerNumber, principal.insurerNumber)).map(memberSummary),
    nextAfterId: null,
  };
}

/** The insurer's members in id order, `limit` at a time. */
export async function listMembers(
  ctx: ServerContext,
  principal: InsurerPrincipal,
  page: { afterId?: string; limit: number },
): Promise<MemberPage> {
  const insurer = await insurerOf(ctx.store, principal);
  const rows = await ctx.store.qualifications.listByInsurer(insurer.insurerNumber, page);
  const last = rows.at(-1);
  return {
    members: rows.map(memberSummary),
    nextAfterId: rows.length === page.limit && last !== undefined ? last.id : null,
  };
}

/** The history of a member: the person's periods at this insurer, every attribute row ever written, documents. */
export interface MemberHistory {
  memberId: string;
  qualifications: MemberSummary[];
  attributes: AttributeView[];
  documents: DocumentView[];
}

/**
 * Effective-dated history: superseded attribute rows are kept with `supersededAt`, so what was in force on any
 * day, as known at any time, can be reconstructed. Other insurers' periods of the person are not shown.
 */
export async function memberHistory(
  deps: InsurerDeps,
  principal: InsurerPrincipal,
  q: Qualification,
): Promise<MemberHistory> {
  const { store } = deps.ctx;
  const periods = (await store.qualifications.findByPerson(q.personId)).filter((p) =>
    sameInsurer(p.insurerNumber, principal.insurerNumber),
  );
  const attributes = await store.qualifications.attributeHistory(q.id);
  const documents = (await store.documents.listByPerson(q.personId)).filter((d) => d.qualificationId === q.id);
  await deps.audit.append({
    ...actorOf(principal),
    action: 'insurer.member.history',
    personId: q.personId,
    target: `qualification:${q.id}`,
    outcome: 'allowed',
    detail: {},
  });
  return {
    memberId: q.id,
    qualifications: periods.map(memberSummary),
    attributes: attributes.map(attributeView),
    documents: documents.map(documentView),
  };
}
