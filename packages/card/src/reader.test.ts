import { X509Certificate, verify } from 'node:crypto';
import { FACE_AUTH_MAX_CONSECUTIVE_FAILURES } from '@onshi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChipAdministrator } from './admin.js';
import { canonicalAttestationBytes, sha256Hex } from './attestation.js';
import { VirtualChip } from './chip.js';
import { SimulatedCamera, enrolFace, faceFromSeed } from './face.js';
import { Smartphone } from './phone.js';
import { CardReader } from './reader.js';
import { TEST_INFO, TestCa, personalisedChip, testReader } from './testFixtures.js';

const challenge = new TextEncoder().encode('server-challenge-0001');
const at = new Date('2026-05-01T01:23:45.000Z');
let ca: TestCa;
let reader: CardReader;

beforeAll(async () => {
  ca = await TestCa.create();
  reader = new CardReader(await testReader(ca));
});

describe('PIN path (rules.md §6 step 1, §4 PIN)', () => {
  it('signs the server challenge after the right PIN; the signature verifies with the returned certificate', async () => {
    const { chip, certificate } = await personalisedChip(ca, 'standard');
    const r = reader.signChallenge(chip, challenge, '1234');
    expect(r.ok).toBe(true);
    if (!r.ok) {
      return;
    }
    expect(r.certificate).toEqual(certificate);
    expect(verify('sha256', challenge, new X509Certificate(r.certificate).publicKey, r.signature)).toBe(true);
  });

  it('reports the tries left after a wrong PIN, then the lock after the third (test case 30)', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    expect(reader.signChallenge(chip, challenge, '0000')).toMatchObject({
      ok: false,
      code: 'pin.wrong',
      remainingTries: 2,
    });
    expect(reader.verifyPin(chip, 'authentication', '0000')).toMatchObject({ code: 'pin.wrong', remainingTries: 1 });
    expect(reader.verifyPin(chip, 'authentication', '0000')).toMatchObject({ code: 'pin.locked', locked: true });
    expect(reader.signChallenge(chip, challenge, '1234')).toMatchObject({ ok: false, code: 'pin.locked' });
    expect(reader.pinStatus(chip, 'authentication')).toMatchObject({ locked: true, remainingTries: 0 });
  });

  it('wrong×2 then correct → full count again (test case 30)', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    reader.verifyPin(chip, 'authentication', '0000');
    reader.verifyPin(chip, 'authentication', '0000');
    expect(reader.verifyPin(chip, 'authentication', '1234').ok).toBe(true);
    chip.reset();
    expect(reader.pinStatus(chip, 'authentication')).toMatchObject({ ok: true, remainingTries: 3 });
  });

  it('does not send a malformed PIN to the card (no try spent)', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    expect(reader.verifyPin(chip, 'authentication', '12a4')).toMatchObject({ code: 'pin.malformed' });
    expect(reader.pinStatus(chip, 'authentication').remainingTries).toBe(3);
  });

  it('a signature without a PIN is refused', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    expect(reader.signChallenge(chip, challenge)).toMatchObject({ ok: false, code: 'signature.pinRequired' });
  });

  it('reads 券面4情報 with the 券面事項入力補助用 PIN', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    expect(reader.readCardInfo(chip, '5678')).toMatchObject({ ok: true, value: TEST_INFO });
    expect(reader.readCardInfo(chip, '1111')).toMatchObject({ ok: false, code: 'pin.wrong' });
  });
});

describe('顔認証マイナンバーカード at the reader (test case 31)', () => {
  it('has no PIN path: the reader reports pin.notSet', async () => {
    const { chip } = await personalisedChip(ca, 'faceOnly');
    expect(reader.signChallenge(chip, challenge, '1234')).toMatchObject({ ok: false, code: 'pin.notSet' });
    expect(reader.signChallenge(chip, challenge)).toMatchObject({ ok: false, code: 'signature.pinRequired' });
  });

  it('is accepted by the face path', async () => {
    const { chip } = await personalisedChip(ca, 'faceOnly', { faceSeed: 'hanako' });
    const r = reader.authenticateFace(chip, {
      subject: faceFromSeed('hanako'),
      camera: new SimulatedCamera('t1'),
      challenge,
      at,
    });
    expect(r).toMatchObject({ ok: true, code: 'face.match' });
  });
});

describe('face path (rules.md §4 Face auth at reader [S23])', () => {
  it('accepts the holder and signs an attestation the server can check', async () => {
    const { chip, certificate } = await personalisedChip(ca, 'standard', { faceSeed: 'taro' });
    const r = reader.authenticateFace(chip, {
      subject: faceFromSeed('taro'),
      camera: new SimulatedCamera('t2'),
      challenge,
      at,
    });
    expect(r).toMatchObject({ ok: true, result: 'match' });
    const a = r.attestation!;
    expect(a.payload).toMatchObject({
      readerId: 'R-0001',
      institutionCode: '1312345678',
      challenge: Buffer.from(challenge).toString('base64url'),
      cardCertificateSha256: sha256Hex(certificate),
      cardCertificateSerial: new X509Certificate(certificate).serialNumber.toUpperCase(),
      result: 'match',
      at: '2026-05-01T01:23:45.000Z',
    });
    const readerKey = new X509Certificate(a.readerCertificate).publicKey;
    expect(verify('sha256', canonicalAttestationBytes(a.payload), readerKey, a.signature)).toBe(true);
    const forged = { ...a.payload, result: 'match' as const, readerId: 'R-9999' };
    expect(verify('sha256', canonicalAttestationBytes(forged), readerKey, a.signature)).toBe(false);
  });

  it("rejects another person's face", async () => {
    const { chip } = await personalisedChip(ca, 'standard', { faceSeed: 'taro' });
    const r = reader.authenticateFace(chip, {
      subject: faceFromSeed('jiro'),
      camera: new SimulatedCamera('t3'),
      challenge,
      at,
    });
    expect(r).toMatchObject({ ok: false, code: 'face.noMatch', remainingTries: 9 });
    expect(r.attestation?.payload.result).toBe('noMatch');
  });

  it('locks face matching after 10 consecutive failures, kept on the chip across sessions', async () => {
    const { chip } = await personalisedChip(ca, 'standard', { faceSeed: 'taro' });
    const camera = new SimulatedCamera('t4');
    let card = chip;
    for (let i = 1; i < FACE_AUTH_MAX_CONSECUTIVE_FAILURES; i += 1) {
      const r = reader.authenticateFace(card, { subject: faceFromSeed('impostor'), camera, challenge, at });
      expect(r).toMatchObject({ code: 'face.noMatch', remainingTries: FACE_AUTH_MAX_CONSECUTIVE_FAILURES - i });
      card = VirtualChip.fromImage(card.exportImage());
    }
    const tenth = reader.authenticateFace(card, { subject: faceFromSeed('impostor'), camera, challenge, at });
    expect(tenth).toMatchObject({ ok: false, code: 'face.locked' });
    const holder = reader.authenticateFace(card, { subject: faceFromSeed('taro'), camera, challenge, at });
    expect(holder).toMatchObject({ ok: false, code: 'face.locked', result: 'locked' });
  });

  it('a match before the tenth failure resets the count', async () => {
    const { chip } = await personalisedChip(ca, 'standard', { faceSeed: 'taro' });
    const camera = new SimulatedCamera('t5');
    for (let i = 0; i < 9; i += 1) {
      reader.authenticateFace(chip, { subject: faceFromSeed('impostor'), camera, challenge, at });
    }
    expect(reader.authenticateFace(chip, { subject: faceFromSeed('taro'), camera, challenge, at }).ok).toBe(true);
    const next = reader.authenticateFace(chip, { subject: faceFromSeed('impostor'), camera, challenge, at });
    expect(next.remainingTries).toBe(9);
  });

  it('the authority can lift a face lock', async () => {
    const { chip, adminKey } = await personalisedChip(ca, 'standard', { faceSeed: 'taro' });
    const camera = new SimulatedCamera('t6');
    for (let i = 0; i < FACE_AUTH_MAX_CONSECUTIVE_FAILURES; i += 1) {
      reader.authenticateFace(chip, { subject: faceFromSeed('impostor'), camera, challenge, at });
    }
    new ChipAdministrator(chip, adminKey).resetFaceCounter();
    expect(reader.authenticateFace(chip, { subject: faceFromSeed('taro'), camera, challenge, at }).ok).toBe(true);
  });
});

describe('スマホ用電子証明書 (rules.md §4 Smartphone [S26])', () => {
  it('Android: the 4-digit スマホ用 PIN is entered at the reader', async () => {
    const { chip } = await personalisedChip(ca, 'smartphone', { platform: 'android' });
    const phone = Smartphone.create(chip, null);
    expect(reader.signChallenge(phone, challenge, '9999')).toMatchObject({ code: 'pin.wrong', remainingTries: 2 });
    expect(reader.signChallenge(phone, challenge, '1234').ok).toBe(true);
  });

  it('iPhone: no PIN at the reader; the phone signs after its owner unlocks it with biometrics', async () => {
    const owner = faceFromSeed('taro');
    const { chip, certificate } = await personalisedChip(ca, 'smartphone', { platform: 'iphone' });
    const phone = Smartphone.create(chip, enrolFace(owner, 'phone'));
    expect(reader.signChallenge(phone, challenge)).toMatchObject({ ok: false, code: 'signature.pinRequired' });
    const camera = new SimulatedCamera('phone');
    expect(phone.unlockWithBiometrics(camera.capture(faceFromSeed('someone else')))).toBe(false);
    expect(reader.signChallenge(phone, challenge)).toMatchObject({ ok: false });
    expect(phone.unlockWithBiometrics(camera.capture(owner))).toBe(true);
    const r = reader.signChallenge(phone, challenge);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(verify('sha256', challenge, new X509Certificate(certificate).publicKey, r.signature)).toBe(true);
    }
    phone.leaveField();
    expect(reader.signChallenge(phone, challenge).ok).toBe(false);
  });

  it('a phone survives export/import, with its biometric template', async () => {
    const owner = faceFromSeed('taro');
    const { chip } = await personalisedChip(ca, 'smartphone', { platform: 'iphone' });
    const phone = Smartphone.fromImage(Smartphone.create(chip, enrolFace(owner, 'phone')).exportImage());
    expect(phone.unlockWithBiometrics(new SimulatedCamera('x').capture(owner))).toBe(true);
    expect(reader.signChallenge(phone, challenge).ok).toBe(true);
  });

  it('has no face path (no 券面事項確認AP on a phone)', async () => {
    const { chip } = await personalisedChip(ca, 'smartphone', { platform: 'android' });
    const r = reader.authenticateFace(chip, {
      subject: faceFromSeed('taro'),
      camera: new SimulatedCamera('p'),
      challenge,
      at,
    });
    expect(r).toMatchObject({ ok: false, code: 'face.unavailable' });
  });
});
