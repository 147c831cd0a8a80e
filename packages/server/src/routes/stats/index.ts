import { ErrorResponse } from '../../formats/schemas.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import type { App } from '../../app.js';
import { RATE_DEFINITIONS, RATE_DEFINITION_IDS, type RateDefinitionId } from '../../commands/stats/definitions.js';
import { branchCsv, kindCsv, monthCsv } from '../../commands/stats/csv.js';
import { statsByBranch, statsByKind, statsByMonth, type StatsScope } from '../../commands/stats/readStatistics.js';
import { AppError, COMMON_ERRORS } from '../../http/errors.js';
import type { RouteDeps } from '../deps.js';

const TAGS = ['stats'];
const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
const Definition = Type.Union(
  [
    Type.Literal('usageRateOverall'),
    Type.Literal('usageRateOutpatient'),
    Type.Literal('registrationRate'),
    Type.Literal('usageRateInclVisual'),
    Type.Literal('usageRateClaims'),
  ],
  {
    description:
      'usageRateOverall (default) | usageRateOutpatient | registrationRate | usageRateInclVisual | usageRateClaims',
  },
);
const Format = Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'json (default) or csv' });
const Scheme = Type.Union(
  [
    Type.Literal('kyokai'),
    Type.Literal('kumiai'),
    Type.Literal('kyosai'),
    Type.Literal('seninHoken'),
    Type.Literal('kokuho'),
    Type.Literal('kokuhoKumiai'),
    Type.Literal('lateElderly'),
  ],
  { description: '制度: kyokai gives the 協会けんぽ 支部 figures of seed 004' },
);
const InsurerNumber = Type.String({ pattern: '^(\\d{6}|\\d{8})$' });
const Bilingual = Type.Object({ ja: Type.String(), en: Type.String() });
const DefinitionBody = Type.Object({
  id: Type.String(),
  name: Bilingual,
  numerator: Bilingual,
  denominator: Bilingual,
  basis: Type.String(),
});
const RateFields = {
  numerator: Type.Integer(),
  denominator: Type.Integer(),
  rate: nullable(Type.Number()),
};
const ScopeBody = Type.Object({ insurerNumber: Type.Optional(Type.String()), scheme: Type.Optional(Type.String()) });
const Head = {
  definition: DefinitionBody,
  scope: ScopeBody,
  total: Type.Object(RateFields),
};
const ERRORS = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };
const CSV_NOTE = ' — with format=csv the body is text/csv (UTF-8 with BOM), same rows';

const ByBranchQuery = Type.Object({
  month: Month,
  definition: Type.Optional(Definition),
  scheme: Type.Optional(Scheme),
  insurerNumber: Type.Optional(InsurerNumber),
  format: Type.Optional(Format),
});
const RangeQuery = Type.Object({
  from: Month,
  to: Month,
  definition: Type.Optional(Definition),
  scheme: Type.Optional(Scheme),
  insurerNumber: Type.Optional(InsurerNumber),
  format: Type.Optional(Format),
});
const ByBranchBody = Type.Object({
  ...Head,
  month: Type.String(),
  previousMonth: Type.String(),
  rows: Type.Array(
    Type.Object({
      branch: Type.String(),
      branchName: Bilingual,
      ...RateFields,
      rank: Type.Integer(),
      mark: nullable(Type.Union([Type.Literal('top'), Type.Literal('bottom')])),
      previousRate: nullable(Type.Number()),
      changePoints: nullable(Type.Number()),
    }),
  ),
});
const ByMonthBody = Type.Object({
  ...Head,
  from: Type.String(),
  to: Type.String(),
  rows: Type.Array(Type.Object({ month: Type.String(), ...RateFields })),
});
const ByKindBody = Type.Object({
  ...Head,
  from: Type.String(),
  to: Type.String(),
  rows: Type.Array(Type.Object({ institutionKind: Type.String(), kindName: Bilingual, ...RateFields })),
});

/**
 * The statistics API (issue 9, seed 004): analysts read every insurer's figures; an insurer reads only its own (its
 * insurer number is imposed, another one is refused). Answers are JSON or, with `format=csv`, CSV; every answer names
 * its numerator and denominator.
 */
export function registerStatsRoutes(app: App, deps: RouteDeps): void {
  const { ctx, auth } = deps;

  async function scopeOf(
    request: FastifyRequest,
    query: { insurerNumber?: string | undefined; scheme?: NonNullable<StatsScope['scheme']> | undefined },
  ): Promise<StatsScope> {
    const principal = await auth.principal(request);
    if (principal === undefined) {
      throw new AppError(COMMON_ERRORS.unauthenticated);
    }
    const scheme = query.scheme === undefined ? {} : { scheme: query.scheme };
    if (principal.kind === 'analyst') {
      return { ...scheme, ...(query.insurerNumber === undefined ? {} : { insurerNumber: query.insurerNumber }) };
    }
    if (principal.kind === 'insurer') {
      if (query.insurerNumber !== undefined && query.insurerNumber !== principal.insurerNumber) {
        throw new AppError(COMMON_ERRORS.forbidden, "an insurer reads only its own members' statistics");
      }
      return { ...scheme, insurerNumber: principal.insurerNumber };
    }
    throw new AppError(COMMON_ERRORS.forbidden, 'requires an analyst or insurer credential');
  }

  function sendCsv(reply: FastifyReply, name: string, csv: string): FastifyReply {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}.csv"`)
      .send(csv);
  }

  app.get(
    '/stats/v1/definitions',
    {
      schema: {
        tags: TAGS,
        summary: '集計の定義（分子・分母・出典）',
        response: { 200: Type.Object({ definitions: Type.Array(DefinitionBody) }), ...ERRORS },
      },
    },
    async (request) => {
      await scopeOf(request, {});
      return { definitions: RATE_DEFINITION_IDS.map((id) => RATE_DEFINITIONS[id]) };
    },
  );

  app.get(
    '/stats/v1/by-branch',
    {
      schema: {
        tags: TAGS,
        summary: `支部（都道府県）別の率、1か月: 降順、上位・下位5、前月差${CSV_NOTE}`,
        querystring: ByBranchQuery,
        response: { 200: ByBranchBody, ...ERRORS },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const scope = await scopeOf(request, q);
      const definition: RateDefinitionId = q.definition ?? 'usageRateOverall';
      const answer = await statsByBranch(ctx.store, { definition, month: q.month, scope });
      if (q.format === 'csv') {
        return sendCsv(reply, `${definition}-by-branch-${q.month}`, branchCsv(answer.definition, answer.rows));
      }
      return answer;
    },
  );

  app.get(
    '/stats/v1/by-month',
    {
      schema: {
        tags: TAGS,
        summary: `月別の推移${CSV_NOTE}`,
        querystring: RangeQuery,
        response: { 200: ByMonthBody, ...ERRORS },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const scope = await scopeOf(request, q);
      const definition: RateDefinitionId = q.definition ?? 'usageRateOverall';
      const answer = await statsByMonth(ctx.store, { definition, from: q.from, to: q.to, scope });
      if (q.format === 'csv') {
        return sendCsv(reply, `${definition}-by-month-${q.from}-${q.to}`, monthCsv(answer.definition, answer.rows));
      }
      return answer;
    },
  );

  app.get(
    '/stats/v1/by-kind',
    {
      schema: {
        tags: TAGS,
        summary: `医療機関の種別（病院・医科診療所・歯科・薬局）別${CSV_NOTE}`,
        querystring: RangeQuery,
        response: { 200: ByKindBody, ...ERRORS },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const scope = await scopeOf(request, q);
      const definition: RateDefinitionId = q.definition ?? 'usageRateOverall';
      const answer = await statsByKind(ctx.store, { definition, from: q.from, to: q.to, scope });
      if (q.format === 'csv') {
        return sendCsv(reply, `${definition}-by-kind-${q.from}-${q.to}`, kindCsv(answer.definition, answer.rows));
      }
      return answer;
    },
  );
}
