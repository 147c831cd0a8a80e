import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AuditLog } from './audit/auditLog.js';
import { ReadModelFiller } from './commands/oqs/readModelFiller.js';
import type { ServerContext } from './context.js';
import { Authenticator } from './http/authenticate.js';
import { handleError } from './http/errors.js';
import { createMetrics, registerCheckJournalMetrics, registerReadModelReaderMetrics } from './http/metrics.js';
import { registerRoutes } from './routes/index.js';

/** What the HTTP app needs from the outside; everything with state or time is injected. */
export interface AppOptions {
  ctx: ServerContext;
  /** pino logging; off in tests. Personal data is never logged (request bodies are not logged at all). */
  logger?: boolean;
  /** How long a group commit waits for more entries (ms, default 2; 0: the next turn of the event loop). */
  groupCommitWindowMs?: number;
  /** Build the read models' missing rows in the background once ready (default true; decisions 0166, 0171). */
  fillReadModels?: boolean;
  /** Start a SQLite file's check journal once ready, rather than after its first checks (default true; 0168). */
  startCheckJournal?: boolean;
  /** Version string reported by /healthz and /openapi.json. */
  version?: string;
}

/** The Fastify app with the TypeBox type provider, as every route module receives it. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

const Health = Type.Object({ status: Type.Literal('ok'), version: Type.String(), time: Type.String() });

/**
 * Builds the HTTP app: health, metrics and the OpenAPI document, then the area route modules. Routes are thin
 * (validate → authorize → command → present); the use cases live in commands/.
 */
export async function buildApp(options: AppOptions): Promise<App> {
  const version = options.version ?? '0.1.0';
  const app = Fastify({
    logger: options.logger ? { level: 'info', redact: { paths: ['req.headers.authorization'], remove: true } } : false,
    bodyLimit: 10 * 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();
  const metrics = createMetrics();
  const { ctx } = options;
  const journal = ctx.store.checkJournal;
  if (journal !== undefined) {
    registerCheckJournalMetrics(metrics.registry, () => journal.status());
  }
  const reader = ctx.store.readModelReader;
  if (reader !== undefined) {
    registerReadModelReaderMetrics(metrics.registry, () => reader.status());
  }
  const auth = new Authenticator(ctx.store, ctx.clock);
  // Confirmations arriving within 2 ms share one group commit (decision 0161).
  const audit = new AuditLog(ctx.store, ctx.clock, { windowMs: options.groupCommitWindowMs ?? 2 });
  app.setErrorHandler(handleError);
  // The read models' missing rows are built once in the background (decisions 0166, 0171).
  const readModel = new ReadModelFiller(ctx.store, {
    onError: (error) => {
      app.log.warn({ err: error }, 'read model fill stopped');
    },
  });
  app.addHook('onReady', () => {
    if (options.fillReadModels !== false) {
      readModel.start();
    }
    if (options.startCheckJournal !== false) {
      ctx.store.checkJournal?.start();
    }
    return Promise.resolve();
  });
  app.addHook('onClose', async () => {
    await readModel.stop();
    await audit.drain();
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Onshi — オンライン資格確認 / マイナ保険証',
        version,
        description: 'OQS confirmation service, insurer back office, card authority, citizen portal and statistics.',
      },
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.duration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });

  app.get('/healthz', { schema: { tags: ['system'], summary: 'Liveness', response: { 200: Health } } }, () => ({
    status: 'ok' as const,
    version,
    time: options.ctx.clock.now().toISOString(),
  }));
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await registerRoutes(app, { ctx, auth, audit });

  return app;
}
