import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './testing/harness.js';

describe('the HTTP app (architecture.md "Cross-cutting": health, metrics, OpenAPI)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ at: '2026-04-01T00:00:00Z' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers /healthz with the injected clock', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', time: '2026-04-01T00:00:00.000Z' });
  });

  it('publishes an OpenAPI 3 document that lists its operations', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/healthz');
  });

  it('exposes Prometheus metrics that count requests', async () => {
    await server.app.inject({ method: 'GET', url: '/healthz' });
    const res = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toContain('onshi_http_requests_total{route="/healthz",method="GET",status="200"}');
  });

  it('an unknown route answers a coded JSON error, never an HTML page', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
  });
});
