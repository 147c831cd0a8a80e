/** @onshi/server — the HTTP service, its commands and its storage. The CLI is the only other package importing it. */
export { buildApp, type App, type AppOptions } from './app.js';
export type { ServerContext, ServerSecrets } from './context.js';
