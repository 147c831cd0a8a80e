import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../audit/auditLog.js';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import { addInstitution, institutionCodeFor } from '../../testing/oqsFactories.js';
import { INSTITUTION_TTL_MS, cachedInstitution, setConsentItems, setReaderStatus } from './institutions.js';

describe('institution records cached for the hot path (decision 0145)', () => {
  let server: TestServer;
  let audit: AuditLog;
  const code = institutionCodeFor();

  beforeEach(async () => {
    server = await createTestServer();
    audit = new AuditLog(server.ctx.store, server.clock);
    await addInstitution(server.ctx, { institutionCode: code });
  });
  afterEach(async () => {
    await audit.drain();
    await server.close();
  });

  it('a reader-status change through the institutions command is seen by the next check at once', async () => {
    expect((await cachedInstitution(server.ctx, code))?.readerStatus).toBe('working');
    await setReaderStatus({ ctx: server.ctx, audit }, code, 'outOfOrder');
    expect((await cachedInstitution(server.ctx, code))?.readerStatus).toBe('outOfOrder');
  });

  it('a consent-items change through the institutions command is seen at once (rules.md §6.2: only enabled items)', async () => {
    expect((await cachedInstitution(server.ctx, code))?.consentItemsEnabled).toEqual(['medication', 'checkup']);
    await setConsentItems({ ctx: server.ctx, audit }, code, ['medication']);
    expect((await cachedInstitution(server.ctx, code))?.consentItemsEnabled).toEqual(['medication']);
  });

  it('a change made around the commands (another server) is seen once the TTL has passed on the injected clock', async () => {
    await cachedInstitution(server.ctx, code);
    await server.ctx.store.institutions.setReaderStatus(code, 'outOfOrder');
    expect((await cachedInstitution(server.ctx, code))?.readerStatus).toBe('working');
    server.clock.advance(INSTITUTION_TTL_MS);
    expect((await cachedInstitution(server.ctx, code))?.readerStatus).toBe('outOfOrder');
  });

  it('an unknown code is not remembered: an institution registered later is found at once', async () => {
    const later = institutionCodeFor('27', '4', '200001');
    expect(await cachedInstitution(server.ctx, later)).toBeNull();
    await addInstitution(server.ctx, { institutionCode: later, kind: 'pharmacy' });
    expect((await cachedInstitution(server.ctx, later))?.institutionCode).toBe(later);
  });
});
