import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { ERROR_ENTRIES, ERRORS, OqsError, errorByCode, errorJson, toOqsError } from './errors.js';
import { ErrorResponse } from './schemas.js';

describe('the coded error catalogue (issue 6 "Errors")', () => {
  it('codes are stable OQS-E-… strings, unique, and fit ErrorCode/ProcessingResultCode (≤ 40)', () => {
    const codes = ERROR_ENTRIES.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toMatch(/^OQS-E-[A-Z]+(?:-[A-Z]+)*$/);
      expect(code.length).toBeLessThanOrEqual(40);
    }
  });

  it('every entry has a Japanese and an English message for staff and a vendor message', () => {
    for (const e of ERROR_ENTRIES) {
      expect(e.staff.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(e.staff.en).toMatch(/^[\x20-\x7e–]+$/);
      expect(e.vendor.length).toBeGreaterThan(20);
      expect(e.httpStatus).toBeGreaterThanOrEqual(200);
      expect(e.httpStatus).toBeLessThan(600);
    }
  });

  it('covers the paths of the service: card, certificates, PIN, DV, reader, qualification, 暫定, consent, bulk, rate, internal', () => {
    const needed = [
      'OQS-E-XML-MALFORMED',
      'OQS-E-XML-DOCTYPE',
      'OQS-E-ENCODING',
      'OQS-E-FIELD-TOO-LONG',
      'OQS-E-INSURER-NUMBER',
      'OQS-E-NOT-FOUND',
      'OQS-E-AUTH',
      'OQS-E-CHALLENGE-EXPIRED',
      'OQS-E-CHALLENGE-USED',
      'OQS-E-CERT-INVALID',
      'OQS-E-CERT-EXPIRED',
      'OQS-E-CERT-REVOKED',
      'OQS-E-PIN-LOCKED',
      'OQS-E-CARD-REFUSED',
      'OQS-E-READER-OUT-OF-ORDER',
      'OQS-E-NO-QUALIFICATION',
      'OQS-E-PROVISIONAL-ENDED',
      'OQS-E-CONSENT-EXPIRED',
      'OQS-E-BULK-UNKNOWN',
      'OQS-E-BULK-PROCESSING',
      'OQS-E-RATE-LIMIT',
      'OQS-E-INTERNAL',
    ];
    for (const code of needed) {
      expect(errorByCode(code)?.code).toBe(code);
    }
  });

  it('per-person results (no qualification, DV refusal, 暫定 ended) are result-scoped, not whole-message failures', () => {
    expect(ERRORS.noQualification.scope).toBe('result');
    expect(ERRORS.cardRefused.scope).toBe('result');
    expect(ERRORS.provisionalEnded.scope).toBe('result');
    expect(ERRORS.xmlMalformed.scope).toBe('message');
    expect(ERRORS.rateLimit.httpStatus).toBe(429);
  });

  it('OqsError carries its entry and detail; anything else thrown becomes OQS-E-INTERNAL', () => {
    const error = new OqsError('fieldTooLong', 'XmlMsg/MessageBody/X');
    expect(error.code).toBe('OQS-E-FIELD-TOO-LONG');
    expect(error.httpStatus).toBe(400);
    expect(error.message).toBe('OQS-E-FIELD-TOO-LONG: XmlMsg/MessageBody/X');
    expect(toOqsError(error)).toBe(error);
    expect(toOqsError(new TypeError('boom')).code).toBe('OQS-E-INTERNAL');
    expect(toOqsError('x').code).toBe('OQS-E-INTERNAL');
  });

  it('renders as JSON matching the ErrorResponse schema', () => {
    const json = errorJson(new OqsError('pinLocked'));
    expect(Compile(ErrorResponse).Check(json)).toBe(true);
    expect(json.error).toMatchObject({ code: 'OQS-E-PIN-LOCKED', status: 423 });
    expect(json.error.detail).toBeUndefined();
    expect(errorJson(new OqsError('fieldMissing', '/messageBody/x')).error.detail).toBe('/messageBody/x');
  });
});
