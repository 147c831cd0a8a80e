import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock } from '@onshi/core';
import { buildApp, type App } from '../../packages/server/src/app.js';
import { AuditLog } from '../../packages/server/src/audit/auditLog.js';
import { readerBridgeOf } from '../../packages/server/src/commands/reader/bridge.js';
import type { ServerContext } from '../../packages/server/src/context.js';
import { hashSecret, issueCredential } from '../../packages/server/src/http/auth.js';
import { WEB_DIST } from '../../packages/server/src/routes/web/index.js';
import { createStore } from '../../packages/server/src/store/index.js';
import { seedPopulation, type Population } from './population.js';

/** The real server on a temporary SQLite file, listening on 127.0.0.1, with its clock in the test's hand. */
export interface E2eServer {
  baseUrl: string;
  app: App;
  ctx: ServerContext;
  /** Test-only hook: the injected clock ("after 24 hours"). */
  clock: FixedClock;
  population: Population;
  /** The institution's credential, as `Bearer` token text. */
  institutionToken: string;
  close(): Promise<void>;
}

/** Starts the server "as of" an instant (default 2026-04-01 09:30 JST). Needs the built web app. */
export async function startE2eServer(options: { at?: string } = {}): Promise<E2eServer> {
  if (!existsSync(`${WEB_DIST}index.html`)) {
    throw new Error('the web app is not built: npm run build -w @onshi/web');
  }
  const dir = await mkdtemp(join(tmpdir(), 'onshi-e2e-'));
  const clock = new FixedClock(options.at ?? '2026-04-01T00:30:00Z');
  const store = await createStore(
    { kind: 'sqlite', path: join(dir, 'onshi.db') },
    { individualNumberKey: randomBytes(32) },
  );
  const ctx: ServerContext = { store, clock, secrets: { proofKey: randomBytes(32) } };
  const seedAudit = new AuditLog(store, clock);
  const population = await seedPopulation(ctx, seedAudit);
  await seedAudit.drain();
  const app = await buildApp({ ctx });
  readerBridgeOf(ctx).useWallet(population.wallet);
  const credential = issueCredential({ kind: 'institution', institutionCode: population.institutionCode });
  await store.credentials.put({
    id: credential.id,
    subjectKind: 'institution',
    subjectId: population.institutionCode,
    secretHash: hashSecret(credential.secret),
    label: 'e2e kiosk and console',
    createdAt: clock.now().toISOString(),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('no TCP address');
  }
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    app,
    ctx,
    clock,
    population,
    institutionToken: credential.token,
    async close() {
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
