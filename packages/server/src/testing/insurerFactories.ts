import { individualNumberCheckDigit } from '@onshi/core';
import type { TestServer } from './harness.js';

/**
 * Factories for insurer API tests: real insurer numbers with valid check digits (rules.md §1.1 test cases 4–7),
 * valid My Numbers, and helpers that go through the HTTP API so tests exercise what clients do.
 */
export const INSURERS = {
  /** 協会けんぽ 東京支部 (checkDigit("0113001") = 2, rules.md §1.1 test case 4). */
  kyokaiTokyo: { insurerNumber: '01130012', name: '全国健康保険協会 東京支部' },
  /** 協会けんぽ 宮城支部 (rules.md §1.1 [S5]). */
  kyokaiMiyagi: { insurerNumber: '01040013', name: '全国健康保険協会 宮城支部' },
  /** A 健保組合 (checkDigit("0613009") = 0, test case 7). */
  kumiai: { insurerNumber: '06130090', name: 'オンシ健康保険組合' },
  /** 国保 (checkDigit("13101") = 1, test case 5). */
  kokuho: { insurerNumber: '131011', name: '千代田区' },
  /** 後期 広域連合 (checkDigit("3913101") = 6, test case 6). */
  lateElderly: { insurerNumber: '39131016', name: '東京都後期高齢者医療広域連合' },
} as const;

/** A My Number with a valid check digit built from 11 digits (番号法施行令 第8条). */
export function individualNumberFrom(first11: string): string {
  return `${first11}${String(individualNumberCheckDigit(first11))}`;
}

/** The same number with a wrong check digit. */
export function withWrongCheckDigit(number: string): string {
  const last = Number(number.slice(-1));
  return `${number.slice(0, 11)}${String((last + 1) % 10)}`;
}

const authorityTokens = new WeakMap<TestServer, string>();

/**
 * The authority's `Authorization` header, issued once per server: issuing again would replace the credential while
 * the authenticator still caches the old one for a few seconds.
 */
export async function authorityToken(server: TestServer): Promise<string> {
  const known = authorityTokens.get(server);
  if (known !== undefined) {
    return known;
  }
  const token = await server.tokenFor({ kind: 'authority' });
  authorityTokens.set(server, token);
  return token;
}

/** Registers an insurer through the admin route and returns its `Authorization` header value. */
export async function registerInsurer(
  server: TestServer,
  insurer: { insurerNumber: string; name: string },
): Promise<string> {
  const authority = await authorityToken(server);
  const res = await server.app.inject({
    method: 'POST',
    url: '/insurer/v1/insurers',
    headers: { authorization: authority },
    payload: insurer,
  });
  if (res.statusCode !== 201) {
    throw new Error(`registerInsurer failed: ${String(res.statusCode)} ${res.body}`);
  }
  const body: unknown = res.json();
  const token = (body as { credential: { token: string } }).credential.token;
  return `Bearer ${token}`;
}

/** A new person's fields (fictional). */
export function newPerson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'new',
    nameKanji: '協会 太郎',
    nameKana: 'キョウカイ タロウ',
    birthDate: '1989-10-01',
    sex: 'male',
    address: '東京都中野区中野1-2-3',
    postalCode: '123-4567',
    prefecture: '13',
    ...overrides,
  };
}

/** POST with an insurer token; returns status and parsed JSON. */
export async function post(
  server: TestServer,
  token: string,
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string } } }> {
  const res = await server.app.inject({
    method: 'POST',
    url,
    headers: { authorization: token, ...headers },
    payload: payload as object,
  });
  return { status: res.statusCode, body: res.json() };
}

/** GET with an insurer token; returns status and parsed JSON. */
export async function get(
  server: TestServer,
  token: string,
  url: string,
): Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string } } }> {
  const res = await server.app.inject({ method: 'GET', url, headers: { authorization: token } });
  return { status: res.statusCode, body: res.json() };
}

/** Enrols an insured member and returns the member id. */
export async function enrolInsured(
  server: TestServer,
  token: string,
  fields: { number: string; symbol?: string; branch?: string; acquiredOn?: string; person?: Record<string, unknown> },
): Promise<string> {
  const res = await post(server, token, '/insurer/v1/members', {
    person: fields.person ?? newPerson(),
    symbol: fields.symbol ?? null,
    number: fields.number,
    branch: fields.branch ?? null,
    relationship: 'insured',
    acquiredOn: fields.acquiredOn ?? '2020-01-01',
  });
  if (res.status !== 201) {
    throw new Error(`enrolInsured failed: ${String(res.status)} ${JSON.stringify(res.body)}`);
  }
  return String(res.body.memberId);
}
