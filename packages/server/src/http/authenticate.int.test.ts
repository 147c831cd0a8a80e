import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '@onshi/core';
import { createStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { hashSecret, issueCredential } from './auth.js';
import { Authenticator } from './authenticate.js';

const request = (token: string): FastifyRequest =>
  ({ headers: { authorization: `Bearer ${token}` } }) as unknown as FastifyRequest;

const credential = issueCredential({ kind: 'institution', institutionCode: '1311111111' });

async function putCredential(store: Store): Promise<void> {
  await store.credentials.put({
    id: credential.id,
    subjectKind: 'institution',
    subjectId: '1311111111',
    secretHash: hashSecret(credential.secret),
    label: 'test',
    createdAt: '2026-04-01T00:00:00Z',
  });
}

describe('Authenticator (issue 6: every call is attributed to one institution)', () => {
  let store: Store;
  let clock: FixedClock;
  let auth: Authenticator;

  beforeEach(async () => {
    store = await createStore({ kind: 'sqlite', path: ':memory:' }, { individualNumberKey: randomBytes(32) });
    clock = new FixedClock('2026-04-01T00:00:00Z');
    auth = new Authenticator(store, clock);
    await putCredential(store);
  });

  afterEach(async () => {
    await store.close();
  });

  it('accepts the right secret again and again, and never a wrong one for the same id', async () => {
    expect(await auth.principal(request(credential.token))).toEqual({
      kind: 'institution',
      institutionCode: '1311111111',
    });
    expect(await auth.principal(request(credential.token))).toEqual({
      kind: 'institution',
      institutionCode: '1311111111',
    });
    expect(await auth.principal(request(`${credential.id}.${'x'.repeat(32)}`))).toBeUndefined();
    expect(await auth.principal(request(`${credential.token}x`))).toBeUndefined();
  });

  it('stops accepting a revoked credential at once after forget, and by itself within the cache time', async () => {
    expect(await auth.principal(request(credential.token))).toBeDefined();
    await store.credentials.revoke(credential.id, '2026-04-01T00:00:01Z');
    expect(await auth.principal(request(credential.token))).toBeDefined();
    auth.forget(credential.id);
    expect(await auth.principal(request(credential.token))).toBeUndefined();

    const other = new Authenticator(store, clock);
    await putCredential(store);
    expect(await other.principal(request(credential.token))).toBeDefined();
    await store.credentials.revoke(credential.id, '2026-04-01T00:00:02Z');
    clock.advance(6_000);
    expect(await other.principal(request(credential.token))).toBeUndefined();
  });
});
