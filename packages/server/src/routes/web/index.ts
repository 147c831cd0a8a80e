import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from '../../app.js';
import { COMMON_ERRORS } from '../../http/errors.js';
import type { RouteDeps } from '../deps.js';

/** The built web app (`npm run build -w @onshi/web`). */
export const WEB_DIST = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

/** The screens of the one-page app; any other path under them is the app's own route too. */
const APP_ROUTES = /^\/(kiosk|reception|stats(?!\/v1(\/|$|\?))|insurer(?!\/v1(\/|$|\?)))(\/|$|\?)/;

/**
 * Serves the built web app at `/` (kiosk at /kiosk, reception console at /reception) with the single-page
 * fallback: a GET for an app route answers index.html, and the app picks the screen. APIs keep their coded 404.
 * Without a build the server still runs; the pages answer a coded 404 that says how to build them.
 */
export async function registerWebRoutes(app: App, _deps: RouteDeps, root: string = WEB_DIST): Promise<void> {
  const built = existsSync(`${root}index.html`);
  if (built) {
    await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url;
    if (built && request.method === 'GET' && APP_ROUTES.test(path)) {
      return reply.header('cache-control', 'no-store').sendFile('index.html');
    }
    const entry = COMMON_ERRORS.notFound;
    return reply.status(404).send({
      error: {
        code: entry.code,
        status: 404,
        message: entry.staff,
        vendorMessage: built ? entry.vendor : `${entry.vendor} The web app is not built: npm run build -w @onshi/web.`,
      },
    });
  });
}
