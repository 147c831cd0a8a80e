import { Type } from 'typebox';
import type { App } from '../../app.js';
import { confirmInDisaster, declareDisaster } from '../../commands/oqs/disaster.js';
import { OqsError } from '../../formats/errors.js';
import type { RouteDeps } from '../deps.js';
import { sendConfirmation } from './present.js';
import { ConfirmationJsonResponse, errorResponses } from './schemas.js';

const tags = ['oqs disaster mode'];
const isoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const consentItem = Type.Union([Type.Literal('medication'), Type.Literal('surgery'), Type.Literal('checkup')]);

const DeclarationBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. 令和6年能登半島地震' }),
  prefectures: Type.Array(Type.String({ pattern: '^\\d{2}$' }), { minItems: 1, maxItems: 47 }),
  startsOn: isoDate,
  endsOn: isoDate,
});
const Declaration = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefectures: Type.Array(Type.String()),
  startsOn: Type.String(),
  endsOn: Type.String(),
  declaredAt: Type.String(),
});
const DisasterConfirmBody = Type.Object({
  nameKana: Type.String({ minLength: 1, maxLength: 100, description: 'カナ氏名 as stated' }),
  birthDate: isoDate,
  address: Type.Optional(Type.String({ maxLength: 200, description: 'Address as stated (prefix match)' })),
  sex: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female'), Type.Literal('unset')])),
  oralConsent: Type.Optional(Type.Array(consentItem, { maxItems: 3, description: 'medication and checkup only' })),
});

/** Disaster mode: the authority declares areas and a period; institutions there confirm without a card. */
export function registerDisasterRoutes(app: App, deps: RouteDeps): void {
  app.post(
    '/oqs/v1/disasters',
    {
      schema: {
        tags,
        summary: 'Declare disaster mode for prefectures and a period (authority)',
        body: DeclarationBody,
        response: { 201: Declaration, ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.auth.require(request, 'authority');
      return reply.status(201).send(await declareDisaster(deps, request.body));
    },
  );

  app.get(
    '/oqs/v1/disasters',
    {
      schema: {
        tags,
        summary: 'Disaster declarations (any authenticated caller)',
        response: { 200: Type.Array(Declaration), ...errorResponses },
      },
    },
    async (request) => {
      if ((await deps.auth.principal(request)) === undefined) {
        throw new OqsError('auth');
      }
      return deps.ctx.store.disasters.list();
    },
  );

  app.post(
    '/oqs/v1/disaster-confirmations',
    {
      schema: {
        tags,
        summary: '資格確認 in disaster mode by name, birth date and address, without a card (oral consent)',
        body: DisasterConfirmBody,
        response: { 200: ConfirmationJsonResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await deps.auth.principal(request);
      if (principal === undefined) {
        throw new OqsError('auth');
      }
      if (principal.kind !== 'institution') {
        throw new OqsError('forbidden', 'requires an institution credential');
      }
      const body = request.body;
      const outcome = await confirmInDisaster(deps, {
        institutionCode: principal.institutionCode,
        nameKana: body.nameKana,
        birthDate: body.birthDate,
        ...(body.address !== undefined ? { address: body.address } : {}),
        ...(body.sex !== undefined ? { sex: body.sex } : {}),
        ...(body.oralConsent !== undefined ? { oralConsent: body.oralConsent } : {}),
      });
      return sendConfirmation(request, reply, outcome, {
        institutionCode: principal.institutionCode,
        referenceClassification: '2',
      });
    },
  );
}
