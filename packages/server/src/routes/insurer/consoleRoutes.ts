import { Type } from 'typebox';
import type { App } from '../../app.js';
import { requireOwnMember } from '../../commands/insurer/access.js';
import { memberSurroundings, searchConsoleMembers } from '../../commands/insurer/consoleReads.js';
import type { RouteDeps } from '../deps.js';
import { AsOfQuery, ERROR_RESPONSES, IsoDate, MemberParams } from './schemas.js';

const TAGS = ['insurer'];
const nullableString = Type.Union([Type.String(), Type.Null()]);
const Relationship = Type.Union([Type.Literal('insured'), Type.Literal('dependant')]);

const ConsoleSearchQuery = Type.Object({
  symbol: Type.Optional(Type.String({ maxLength: 20 })),
  number: Type.Optional(Type.String({ maxLength: 20 })),
  nameKana: Type.Optional(Type.String({ maxLength: 60, description: 'カナ氏名の前方一致 (hiragana accepted)' })),
  birthDate: Type.Optional(IsoDate),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

const MemberFound = Type.Object({
  memberId: Type.String(),
  symbol: nullableString,
  number: Type.String(),
  branch: nullableString,
  relationship: Relationship,
  acquiredOn: IsoDate,
  lostOn: Type.Union([IsoDate, Type.Null()]),
  nameKanji: Type.String(),
  nameKana: Type.String(),
  birthDate: IsoDate,
});

const Surroundings = Type.Object({
  memberId: Type.String(),
  asOf: IsoDate,
  dependants: Type.Array(MemberFound),
  insured: Type.Union([MemberFound, Type.Null()]),
  cards: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('standard'), Type.Literal('faceOnly'), Type.Literal('smartphone')]),
      status: Type.Union([
        Type.Literal('active'),
        Type.Literal('suspended'),
        Type.Literal('revoked'),
        Type.Literal('lost'),
      ]),
      issuedOn: IsoDate,
      expiresOn: IsoDate,
    }),
  ),
  registration: Type.Union([
    Type.Object({
      registeredOn: IsoDate,
      channel: Type.Union([
        Type.Literal('reader'),
        Type.Literal('portal'),
        Type.Literal('atm'),
        Type.Literal('wardOffice'),
      ]),
    }),
    Type.Null(),
  ]),
  dvFlags: Type.Object(
    { selfInfoBlocked: Type.Boolean(), nonDisclosure: Type.Boolean() },
    { description: 'In force on asOf or not — never why' },
  ),
});

/**
 * The insurer console's reads (issue 9) beyond the insurer API: search by 記号・番号 (any 枝番), カナ氏名 and birth
 * date; and a member's dependants, card, 健康保険証利用登録 and DV flags as set / not set.
 */
export function registerInsurerConsoleRoutes(app: App, deps: RouteDeps): void {
  const { ctx, auth, audit } = deps;
  const cmd = { ctx, audit };

  app.get(
    '/insurer/v1/console/members',
    {
      schema: {
        tags: TAGS,
        summary: 'Console search: 記号・番号 (any 枝番), カナ氏名 prefix, birth date — with names',
        querystring: ConsoleSearchQuery,
        response: { 200: Type.Object({ members: Type.Array(MemberFound) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = await auth.require(request, 'insurer');
      const { symbol, number, nameKana, birthDate, limit } = request.query;
      return searchConsoleMembers(cmd, principal, {
        limit: limit ?? 50,
        ...(symbol === undefined ? {} : { symbol }),
        ...(number === undefined ? {} : { number }),
        ...(nameKana === undefined ? {} : { nameKana }),
        ...(birthDate === undefined ? {} : { birthDate }),
      });
    },
  );

  app.get(
    '/insurer/v1/console/members/:memberId/surroundings',
    {
      schema: {
        tags: TAGS,
        summary: 'Dependants, insured member, cards, 利用登録 and DV flags (set / not set) on asOf',
        params: MemberParams,
        querystring: AsOfQuery,
        response: { 200: Surroundings, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = await auth.require(request, 'insurer');
      const q = await requireOwnMember(cmd, principal, request.params.memberId, 'insurer.member.surroundings');
      return memberSurroundings(cmd, principal, q, request.query.asOf);
    },
  );
}
