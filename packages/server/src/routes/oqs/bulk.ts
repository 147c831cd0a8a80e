import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import type { App } from '../../app.js';
import { bulkWorkerOf } from '../../commands/oqs/bulkWorker.js';
import { handleBulkResult, handleBulkUpload } from '../../commands/oqs/bulkConfirmation.js';
import { requireOqsInstitution } from '../../commands/oqs/institutions.js';
import { ErrorResponse, MESSAGES, type MessageOf, type RequestKind, type ResponseKind } from '../../formats/index.js';
import { OqsError, errorJson, toOqsError } from '../../formats/errors.js';
import {
  characterCodeIdentifierOf,
  errorXml,
  parseJsonMessage,
  parseXmlMessage,
  serialiseXml,
  type XmlEncoding,
} from '../../formats/oqs-xml/index.js';
import { AppError } from '../../http/errors.js';
import type { RouteDeps } from '../deps.js';

/*
 * The OQS message endpoints of 一括照会 (and the wire helpers the 照会番号 and 医療情報 endpoints share). Every
 * message endpoint takes the OQS XML (UTF-8 or Shift_JIS, as declared) or the JSON form of the same tree and
 * answers in the same form; the XML answer is in the encoding the request asked for (CharacterCodeIdentifier)
 * or else the request's own. Errors reach an XML client as an XML error message (SegmentOfResult 9 with the
 * catalogue code) and a JSON client as the JSON error body.
 */

/** How a message arrived. */
export type WireForm = 'xml' | 'json';

/** What an endpoint's command receives: the typed message and the authenticated institution. */
export interface WireInput<Q extends RequestKind> {
  message: MessageOf<Q>;
  institutionCode: string;
  /** The response's CharacterCodeIdentifier (the request's ask, else its own encoding). */
  characterCodeIdentifier: '0' | '1';
  /** The HTTP request (for Onshi's extension headers). */
  request: FastifyRequest;
}

function formOf(request: FastifyRequest, raw: Buffer): WireForm {
  const type = request.headers['content-type'] ?? '';
  if (type.includes('xml')) {
    return 'xml';
  }
  if (type.includes('json')) {
    return 'json';
  }
  const first = raw.toString('latin1', 0, Math.min(raw.length, 64)).trimStart();
  return first.startsWith('<') || first.startsWith('\ufeff') ? 'xml' : 'json';
}

function askedEncoding(message: unknown, fallback: XmlEncoding): XmlEncoding {
  const header: unknown =
    typeof message === 'object' && message !== null ? Reflect.get(message, 'messageHeader') : null;
  const asked: unknown =
    typeof header === 'object' && header !== null ? Reflect.get(header, 'characterCodeIdentifier') : null;
  if (asked === '0') {
    return 'utf8';
  }
  if (asked === '1') {
    return 'shiftJis';
  }
  return fallback;
}

/** Auth failures in the OQS catalogue's terms, for XML clients. */
function asOqsError(thrown: unknown): OqsError {
  if (thrown instanceof AppError) {
    if (thrown.entry.httpStatus === 401) {
      return new OqsError('auth');
    }
    if (thrown.entry.httpStatus === 403) {
      return new OqsError('forbidden', thrown.detail);
    }
    if (thrown.entry.httpStatus === 404) {
      return new OqsError('notFound', thrown.detail);
    }
  }
  return toOqsError(thrown);
}

/**
 * Reads an OQS message from the request (XML or JSON), authenticates the institution, checks the message names
 * it, runs the command and writes the answer in the request's form. Never throws past the route: every failure
 * is a coded error in the client's form.
 */
export async function oqsExchange<Q extends RequestKind, S extends ResponseKind>(
  deps: RouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  kinds: { request: Q; response: S },
  run: (input: WireInput<Q>) => Promise<MessageOf<S>>,
): Promise<FastifyReply> {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const form = formOf(request, raw);
  let encoding: XmlEncoding = 'utf8';
  let institutionCode: string | undefined;
  let status = 200;
  let payload: Buffer | string;
  try {
    const principal = await deps.auth.require(request, 'institution');
    institutionCode = principal.institutionCode;
    let message: MessageOf<Q>;
    if (form === 'xml') {
      const parsed = parseXmlMessage(kinds.request, raw);
      encoding = parsed.encoding ?? 'utf8';
      if (!parsed.ok) {
        throw parsed.error;
      }
      message = parsed.value;
    } else {
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new OqsError('jsonMalformed');
      }
      const parsed = parseJsonMessage(kinds.request, body);
      if (!parsed.ok) {
        throw parsed.error;
      }
      message = parsed.value;
    }
    encoding = askedEncoding(message, encoding);
    if (message.messageHeader.medicalInstitutionCode !== institutionCode) {
      throw new OqsError('forbidden', 'MedicalInstitutionCode differs from the authenticated institution');
    }
    await requireOqsInstitution(deps.ctx, institutionCode);
    const answer = await run({
      message,
      institutionCode,
      characterCodeIdentifier: characterCodeIdentifierOf(encoding),
      request,
    });
    payload = form === 'xml' ? serialiseXml(kinds.response, answer, encoding) : JSON.stringify(answer);
  } catch (thrown) {
    const error = asOqsError(thrown);
    if (error.code === 'OQS-E-INTERNAL') {
      request.log.error({ err: thrown instanceof Error ? { name: thrown.name, message: thrown.message } : {} }, 'oqs');
    }
    status = error.httpStatus;
    const context = {
      at: deps.ctx.clock.now(),
      ...(institutionCode !== undefined ? { medicalInstitutionCode: institutionCode } : {}),
    };
    payload = form === 'xml' ? errorXml(kinds.response, error, context, encoding) : JSON.stringify(errorJson(error));
  }
  const type =
    form === 'xml'
      ? `application/xml; charset=${encoding === 'utf8' ? 'utf-8' : 'Shift_JIS'}`
      : 'application/json; charset=utf-8';
  return reply.status(status).type(type).send(payload);
}

/**
 * Prepares an encapsulated scope for OQS message endpoints: bodies arrive as raw bytes (XML in either encoding
 * or JSON, parsed and normalised by formats/, so malformed input gets the catalogue's code, not Fastify's), the
 * schemas document the operation in /openapi.json without Fastify validating the body (formats/ does), and
 * responses are already serialised by the exchange.
 */
export function prepareOqsScope(scope: App): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    ['application/json', 'application/xml', 'text/xml', 'text/plain'],
    { parseAs: 'buffer' },
    (_request, body, done) => {
      done(null, body);
    },
  );
  scope.setValidatorCompiler(() => () => true);
  scope.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** The OpenAPI body of a message endpoint: the JSON form (TypeBox schema) or the OQS XML as text. */
export function messageBody(kind: RequestKind): { content: Record<string, { schema: TSchema }> } {
  const xml = Type.String({ description: `${kind} as OQS XML (XmlMsg; UTF-8 or Shift_JIS as declared)` });
  return {
    content: {
      'application/json': { schema: MESSAGES[kind] },
      'application/xml': { schema: xml },
    },
  };
}

/** The OpenAPI responses of a message endpoint. */
export function messageResponses(
  kind: ResponseKind,
): Record<number, { content: Record<string, { schema: TSchema }> } | TSchema> {
  const xml = Type.String({ description: `${kind} as OQS XML` });
  return {
    200: { content: { 'application/json': { schema: MESSAGES[kind] }, 'application/xml': { schema: xml } } },
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    413: ErrorResponse,
  };
}

/** One OQS message operation: its kinds, JSON path, summary and command. */
export interface MessageRouteSpec<Q extends RequestKind, S extends ResponseKind> {
  kinds: { request: Q; response: S };
  /** The JSON resource path; the XML form is at /oqs/v1/xml/{request kind} unless `xml` is false. */
  jsonPath: string;
  /** Also register the XML path (default true; false for a second JSON operation on the same kind). */
  xml?: boolean;
  summary: string;
  run: (input: WireInput<Q>) => Promise<MessageOf<S>>;
}

/**
 * Registers a message operation twice: at `/oqs/v1/xml/{kind}` (OQS XML, the path the file agent posts request
 * files to, next to the first half's /oqs/v1/xml/OQSsiquc01req) and at its JSON resource path. Both paths
 * accept either form; the answer is in the form of the request.
 */
export function messageRoutes<Q extends RequestKind, S extends ResponseKind>(
  scope: App,
  deps: RouteDeps,
  spec: MessageRouteSpec<Q, S>,
): void {
  const handler = (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    oqsExchange(deps, request, reply, spec.kinds, spec.run);
  if (spec.xml !== false) {
    scope.post(
      `/oqs/v1/xml/${spec.kinds.request}`,
      {
        schema: {
          tags: ['oqs'],
          summary: `${spec.summary} — OQS XML`,
          description:
            'Send `Content-Type: application/xml` (UTF-8 or Shift_JIS as declared). The response uses the request ' +
            'encoding unless CharacterCodeIdentifier asks for another; whole-message errors are XmlMsg with ' +
            'SegmentOfResult 9 (YZK/TKK: ResultCode 2).',
          body: messageBody(spec.kinds.request),
          response: messageResponses(spec.kinds.response),
        },
      },
      handler,
    );
  }
  scope.post(
    spec.jsonPath,
    {
      schema: {
        tags: ['oqs'],
        summary: `${spec.summary} — JSON`,
        description: 'The same message tree in JSON (camelCase tags), normalised like the XML form.',
        body: messageBody(spec.kinds.request),
        response: messageResponses(spec.kinds.response),
      },
    },
    handler,
  );
}

/**
 * 一括照会 endpoints: upload (OQSmuquc01req → 受付番号), fetch by 受付番号 (OQSmuquc02req, or GET for JSON
 * clients). Starts the background worker when the app is ready and stops it when the app closes.
 */
export function registerBulkRoutes(app: App, deps: RouteDeps): void {
  const worker = bulkWorkerOf(deps, {
    onError: (receptionNumber) => {
      app.log.error({ receptionNumber }, 'bulk job failed');
    },
  });
  app.addHook('onReady', () => {
    worker.start();
    return Promise.resolve();
  });
  app.addHook('onClose', async () => {
    await worker.stop();
  });

  void app.register((scope, _options, done) => {
    prepareOqsScope(scope);

    messageRoutes(scope, deps, {
      kinds: { request: 'OQSmuquc01req', response: 'OQSmuquc01res' },
      jsonPath: '/oqs/v1/bulk-confirmations',
      summary: '一括照会 upload (OQSmuquc01req → OQSmuquc01res: 受付番号)',
      run: async (input) => {
        const answer = await handleBulkUpload(
          deps,
          input.institutionCode,
          input.message,
          input.characterCodeIdentifier,
        );
        worker.wake();
        return answer;
      },
    });
    messageRoutes(scope, deps, {
      kinds: { request: 'OQSmuquc02req', response: 'OQSmuquc02res' },
      jsonPath: '/oqs/v1/bulk-confirmations/result',
      summary: '一括照会 result by 受付番号 (OQSmuquc02req → OQSmuquc02res; SegmentOfResult 2 while processing)',
      run: (input) => handleBulkResult(deps, input.institutionCode, input.message, input.characterCodeIdentifier),
    });

    done();
  });

  // Outside the message scope: a plain GET, so Fastify checks the path parameter against its schema.
  app.get(
    '/oqs/v1/bulk-confirmations/:receptionNumber',
    {
      schema: {
        tags: ['oqs'],
        summary: '一括照会 result by 受付番号 (JSON form of OQSmuquc02res)',
        params: Type.Object({ receptionNumber: Type.String({ maxLength: 30 }) }),
        response: { 200: MESSAGES.OQSmuquc02res, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const principal = await deps.auth.require(request, 'institution');
      const answer = await handleBulkResult(
        deps,
        principal.institutionCode,
        {
          messageHeader: { medicalInstitutionCode: principal.institutionCode },
          messageBody: { receptionNumber: request.params.receptionNumber },
        },
        '0',
      );
      if (answer.messageHeader.segmentOfResult === '2') {
        void reply.header('retry-after', '2');
      }
      // Serialised as the message endpoints do (every field the message carries), not by the response schema.
      return reply
        .type('application/json; charset=utf-8')
        .serializer((payload) => JSON.stringify(payload))
        .send(answer);
    },
  );
}
