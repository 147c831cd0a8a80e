import type { App } from '../app.js';
import type { RouteDeps } from './deps.js';
import { registerAuthorityRoutes } from './authority/index.js';
import { registerInsurerRoutes } from './insurer/index.js';
import { registerOqsRoutes } from './oqs/index.js';
import { registerPortalRoutes } from './portal/index.js';
import { registerReaderRoutes } from './reader/index.js';
import { registerStatsRoutes } from './stats/index.js';
import { registerWebRoutes } from './web/index.js';

/**
 * Registers every area's routes. Each area lives in its own folder (routes/<area>/index.ts) and exports one
 * `register…Routes(app, deps)` function.
 */
export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  // Areas are added here as they land (insurer, authority, oqs, portal, stats).
  registerInsurerRoutes(app, deps);
  registerAuthorityRoutes(app, deps);
  await registerOqsRoutes(app, deps);
  registerPortalRoutes(app, deps);
  registerReaderRoutes(app, deps);
  registerStatsRoutes(app, deps);
  await registerWebRoutes(app, deps);
  await Promise.resolve();
}
