import { createReadStream, createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { rm, writeFile } from 'node:fs/promises';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../app.js';
import {
  IMPORT_JOB_ERRORS,
  MAX_UPLOAD_BYTES,
  importJob,
  prepareUpload,
  rejectReportFile,
  runMemberImport,
  type ImportJobView,
} from '../../commands/insurer/importJob.js';
import { AppError } from '../../http/errors.js';
import type { RouteDeps } from '../deps.js';
import { ERROR_RESPONSES, Id } from './schemas.js';

const TAGS = ['insurer'];

const ImportQuery = Type.Object({
  encoding: Type.Optional(
    Type.Union([Type.Literal('auto'), Type.Literal('utf8'), Type.Literal('sjis')], {
      description: 'auto (default): BOM, else UTF-8 if valid, else Shift_JIS (CP932)',
    }),
  ),
});
const ImportParams = Type.Object({ importId: Id });
const ImportView = Type.Object({
  importId: Type.String(),
  insurerNumber: Type.String(),
  startedAt: Type.String(),
  state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  progress: Type.Object({
    bytes: Type.Integer(),
    totalBytes: Type.Integer(),
    rows: Type.Integer(),
    rejects: Type.Integer(),
  }),
  committed: Type.Union([Type.Boolean(), Type.Null()]),
  encoding: Type.Union([Type.Literal('utf8'), Type.Literal('sjis'), Type.Null()]),
  rows: Type.Integer(),
  persons: Type.Integer(),
  qualifications: Type.Integer(),
  rejects: Type.Integer(),
  rejectReport: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([
    Type.Object({ code: Type.String(), message: Type.Object({ ja: Type.String(), en: Type.String() }) }),
    Type.Null(),
  ]),
});

interface Upload {
  dir: string;
  file: string;
}

function isUpload(body: unknown): body is Upload {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof Reflect.get(body, 'dir') === 'string' &&
    typeof Reflect.get(body, 'file') === 'string'
  );
}

/** One NDJSON line of the import stream. */
function line(type: 'progress' | 'done', view: ImportJobView): string {
  return `${JSON.stringify({ type, ...view })}\n`;
}

/**
 * The member CSV import over HTTP (issue 9, insurer console), registered in its own encapsulated scope so the CSV
 * body parser (streamed to a temporary file, never held in memory) applies to these routes only. The POST answers
 * with NDJSON: `progress` lines while rows are checked, then one `done` line — streamed, because the import holds
 * the store for its whole run, so a separate progress request would wait for the end (decision 0121).
 */
export function registerInsurerImportRoutes(app: App, deps: RouteDeps): void {
  const { ctx, auth, audit } = deps;
  const cmd = { ctx, audit };

  void app.register((scope: App, _options, done) => {
    scope.addContentTypeParser(
      ['text/csv', 'application/octet-stream'],
      async (_request: FastifyRequest, payload: IncomingMessage) => {
        const upload = await prepareUpload(ctx);
        let bytes = 0;
        const limit = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            bytes += chunk.length;
            if (bytes > MAX_UPLOAD_BYTES) {
              callback(new AppError(IMPORT_JOB_ERRORS.uploadTooLarge));
              return;
            }
            callback(null, chunk);
          },
        });
        try {
          await pipeline(payload, limit, createWriteStream(upload.file));
        } catch (error) {
          await rm(upload.dir, { recursive: true, force: true });
          throw error;
        }
        return upload;
      },
    );

    scope.post(
      '/insurer/v1/member-imports',
      {
        // Authenticate before the upload is read.
        onRequest: async (request) => {
          await auth.require(request, 'insurer');
        },
        schema: {
          tags: TAGS,
          summary: '加入者一括取込 (member CSV, all rows or none): NDJSON progress lines, then a done line',
          consumes: ['text/csv'],
          produces: ['application/x-ndjson'],
          querystring: ImportQuery,
        },
      },
      async (request, reply) => {
        const principal = await auth.require(request, 'insurer');
        const body: unknown = request.body;
        let upload: Upload;
        if (isUpload(body)) {
          upload = body;
        } else {
          upload = await prepareUpload(ctx);
          await writeFile(upload.file, '');
        }
        const out = new PassThrough();
        void runMemberImport(cmd, principal, { ...upload, encoding: request.query.encoding ?? 'auto' }, (view) => {
          out.write(line('progress', view));
        }).then(
          (view) => {
            out.end(line('done', view));
          },
          (error: unknown) => {
            request.log.error({ err: error }, 'member import failed');
            out.end(
              `${JSON.stringify({ type: 'error', error: { code: 'ONSHI-E-INTERNAL', message: { ja: '取込中にエラーが発生しました。', en: 'The import failed.' } } })}\n`,
            );
          },
        );
        return reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(out);
      },
    );

    scope.get(
      '/insurer/v1/member-imports/:importId',
      {
        schema: {
          tags: TAGS,
          summary: 'One of this insurer’s recent imports (this server process)',
          params: ImportParams,
          response: { 200: ImportView, ...ERROR_RESPONSES },
        },
      },
      async (request) => {
        const principal = await auth.require(request, 'insurer');
        return importJob(ctx, principal, request.params.importId);
      },
    );

    scope.get(
      '/insurer/v1/member-imports/:importId/rejects.csv',
      {
        schema: {
          tags: TAGS,
          summary: '不備一覧: the reject report of a refused import (行,列,コード,メッセージ,message; UTF-8 with BOM)',
          params: ImportParams,
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        const principal = await auth.require(request, 'insurer');
        const file = rejectReportFile(ctx, principal, request.params.importId);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="rejects-${request.params.importId}.csv"`)
          .send(createReadStream(file));
      },
    );
    done();
  });
}
