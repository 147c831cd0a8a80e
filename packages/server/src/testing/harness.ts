import { randomBytes } from 'node:crypto';
import { FixedClock } from '@onshi/core';
import { buildApp, type App } from '../app.js';
import type { ServerContext } from '../context.js';
import { type Principal, hashSecret, issueCredential } from '../http/auth.js';
import { createStore } from '../store/index.js';

/** A server on a fresh in-memory SQLite store with a clock that stands still until moved. */
export interface TestServer {
  app: App;
  ctx: ServerContext;
  clock: FixedClock;
  /** Issues (and stores) a credential for the principal; returns the `Authorization` header value. */
  tokenFor(principal: Principal): Promise<string>;
  close(): Promise<void>;
}

/** Builds a test server "as of" an instant (default 2026-04-01 09:00 JST). */
export async function createTestServer(options: { at?: string } = {}): Promise<TestServer> {
  const clock = new FixedClock(options.at ?? '2026-04-01T00:00:00Z');
  const store = await createStore({ kind: 'sqlite', path: ':memory:' }, { individualNumberKey: randomBytes(32) });
  const ctx: ServerContext = { store, clock, secrets: { proofKey: randomBytes(32) } };
  const app = await buildApp({ ctx });
  return {
    app,
    ctx,
    clock,
    async tokenFor(principal) {
      const credential = issueCredential(principal);
      const [subjectKind, subjectId] = credential.id.includes(':')
        ? (credential.id.split(':', 2) as [Principal['kind'], string])
        : [principal.kind, principal.kind];
      await store.credentials.put({
        id: credential.id,
        subjectKind,
        subjectId,
        secretHash: hashSecret(credential.secret),
        label: 'test',
        createdAt: clock.now().toISOString(),
      });
      return `Bearer ${credential.token}`;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
