import { Type } from 'typebox';
import type { App } from '../../app.js';
import {
  handleBulkReferenceNumberRegistration,
  handleBulkReferenceNumberResult,
  handleReferenceNumberRegistration,
} from '../../commands/oqs/referenceNumber.js';
import { ErrorResponse, MESSAGES } from '../../formats/schemas.js';
import type { RouteDeps } from '../deps.js';
import { messageRoutes, prepareOqsScope } from './bulk.js';

/**
 * 照会番号登録 endpoints (oqs-interface.md §5): single (OQSsiimm01req), bulk (OQSmuimm01req → 受付番号) and the
 * bulk result (OQSmuimm02req, or GET for JSON clients). Each at /oqs/v1/xml/{kind} and at a JSON path.
 */
export function registerReferenceNumberRoutes(app: App, deps: RouteDeps): void {
  void app.register((scope, _options, done) => {
    prepareOqsScope(scope);
    messageRoutes(scope, deps, {
      kinds: { request: 'OQSsiimm01req', response: 'OQSsiimm01res' },
      jsonPath: '/oqs/v1/reference-numbers',
      summary: '照会番号登録 (OQSsiimm01req → OQSsiimm01res)',
      run: (input) =>
        handleReferenceNumberRegistration(deps, input.institutionCode, input.message, input.characterCodeIdentifier),
    });
    messageRoutes(scope, deps, {
      kinds: { request: 'OQSmuimm01req', response: 'OQSmuimm01res' },
      jsonPath: '/oqs/v1/reference-numbers/bulk',
      summary: '照会番号登録 bulk upload (OQSmuimm01req → OQSmuimm01res: 受付番号)',
      run: (input) =>
        handleBulkReferenceNumberRegistration(
          deps,
          input.institutionCode,
          input.message,
          input.characterCodeIdentifier,
        ),
    });
    messageRoutes(scope, deps, {
      kinds: { request: 'OQSmuimm02req', response: 'OQSmuimm02res' },
      jsonPath: '/oqs/v1/reference-numbers/bulk/result',
      summary: '照会番号登録 bulk result by 受付番号 (OQSmuimm02req → OQSmuimm02res: BulkRegistrationUnit*)',
      run: (input) =>
        handleBulkReferenceNumberResult(deps, input.institutionCode, input.message, input.characterCodeIdentifier),
    });
    done();
  });

  // Outside the message scope: a plain GET, so Fastify checks the path parameter against its schema.
  app.get(
    '/oqs/v1/reference-numbers/bulk/:receptionNumber',
    {
      schema: {
        tags: ['oqs'],
        summary: '照会番号登録 bulk result by 受付番号 (JSON form of OQSmuimm02res)',
        params: Type.Object({ receptionNumber: Type.String({ maxLength: 30 }) }),
        response: { 200: MESSAGES.OQSmuimm02res, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const principal = await deps.auth.require(request, 'institution');
      const answer = await handleBulkReferenceNumberResult(
        deps,
        principal.institutionCode,
        {
          messageHeader: { medicalInstitutionCode: principal.institutionCode },
          messageBody: { receptionNumber: request.params.receptionNumber },
        },
        '0',
      );
      // Serialised as the message endpoints do (every field the message carries), not by the response schema.
      return reply
        .type('application/json; charset=utf-8')
        .serializer((payload) => JSON.stringify(payload))
        .send(answer);
    },
  );
}
