import type { App } from '../app.js';
import type { RouteDeps } from './deps.js';
import { registerInsurerRoutes } from './insurer/index.js';

/**
 * Registers every area's routes. Each area lives in its own folder (routes/<area>/index.ts) and exports one
 * `register…Routes(app, deps)` function.
 */
export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  // Areas are added here as they land (insurer, authority, oqs, portal, stats).
  registerInsurerRoutes(app, deps);
  await Promise.resolve();
}
