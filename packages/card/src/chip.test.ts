import { X509Certificate, verify } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SW, decodeCommand, decodeResponse, encodeCommand } from './apdu.js';
import type { CommandApdu, ResponseApdu } from './apdu.js';
import { ChipAdministrator } from './admin.js';
import { VirtualChip } from './chip.js';
import { CardError } from './errors.js';
import { CARD_INFO_AID, CARD_INFO_EF, JPKI_AID, JPKI_EF } from './ids.js';
import { decodeCardInfo, sha256DigestInfo } from './reader.js';
import { TEST_INFO, TestCa, personalisedChip } from './testFixtures.js';

const enc = new TextEncoder();

function send(chip: VirtualChip, c: Partial<CommandApdu> & { ins: number }): ResponseApdu {
  const command: CommandApdu = { cla: 0x00, p1: 0, p2: 0, data: new Uint8Array(0), ne: 0, ...c };
  return decodeResponse(chip.transmit(encodeCommand(command)))!;
}
const selectAp = (chip: VirtualChip, aid: Uint8Array) => send(chip, { ins: 0xa4, p1: 0x04, p2: 0x0c, data: aid });
const selectEf = (chip: VirtualChip, ef: number) =>
  send(chip, { ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.from([0, ef]) });
const verifyPin = (chip: VirtualChip, pin?: string) =>
  send(chip, { ins: 0x20, p2: 0x80, data: pin === undefined ? new Uint8Array(0) : enc.encode(pin) });
const sign = (chip: VirtualChip, message: Uint8Array) =>
  send(chip, { cla: 0x80, ins: 0x2a, p2: 0x80, data: sha256DigestInfo(message), ne: 256 });

function selectAuthPin(chip: VirtualChip): void {
  expect(selectAp(chip, JPKI_AID).sw).toBe(SW.ok);
  expect(selectEf(chip, JPKI_EF.authPin).sw).toBe(SW.ok);
}

function selectAuthKey(chip: VirtualChip): void {
  expect(selectAp(chip, JPKI_AID).sw).toBe(SW.ok);
  expect(selectEf(chip, JPKI_EF.authKey).sw).toBe(SW.ok);
}

let ca: TestCa;
beforeAll(async () => {
  ca = await TestCa.create();
});

describe('APDU encoding (ISO/IEC 7816-4 §5.1)', () => {
  it('round-trips every case 1–4 command, short and extended', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 0, max: 65536 }),
        (ins, data, ne) => {
          const command: CommandApdu = { cla: 0, ins, p1: 1, p2: 2, data, ne };
          expect(decodeCommand(encodeCommand(command))).toEqual(command);
        },
      ),
    );
  });

  it('answers 67 00 to a truncated command instead of failing', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    expect(decodeResponse(chip.transmit(Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, 0x0a, 0xd3])))!.sw).toBe(
      SW.wrongLength,
    );
  });
});

describe('JPKI application: SELECT and READ BINARY (oqs-interface.md §9)', () => {
  it('selects the JPKI AP by AID and refuses an unknown AID with 6A 82', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    expect(selectAp(chip, JPKI_AID).sw).toBe(SW.ok);
    expect(selectAp(chip, Uint8Array.from([0xa0, 0, 0, 0, 1])).sw).toBe(SW.fileNotFound);
    expect(selectEf(chip, 0x77).sw).toBe(SW.fileNotFound);
  });

  it('reads the 利用者証明用 certificate without a PIN, in pieces at offsets', async () => {
    const { chip, certificate } = await personalisedChip(ca, 'standard');
    selectAp(chip, JPKI_AID);
    selectEf(chip, JPKI_EF.authCertificate);
    const head = send(chip, { ins: 0xb0, ne: 100 });
    const tail = send(chip, { ins: 0xb0, p1: 0, p2: 100, ne: 4096 });
    expect(head.sw).toBe(SW.ok);
    expect(tail.sw).toBe(SW.endOfFile);
    expect(Uint8Array.from([...head.data, ...tail.data])).toEqual(certificate);
    expect(new X509Certificate(certificate).subject).toBe('CN=card');
    expect(send(chip, { ins: 0xb0, p1: 0x7f, p2: 0xff, ne: 1 }).sw).toBe(SW.offsetOutsideEf);
  });

  it('never reveals the private key: READ BINARY of the key EF is refused (69 81)', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAuthKey(chip);
    const r = send(chip, { ins: 0xb0, ne: 256 });
    expect(r.sw).toBe(SW.incompatibleFile);
    expect(r.data.length).toBe(0);
  });
});

describe('利用者証明用 PIN counter (rules.md §4 PIN [S22]; test case 30)', () => {
  it('VERIFY with no data tells the tries left (63 C3) without spending one', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAuthPin(chip);
    expect(verifyPin(chip).sw).toBe(0x63c3);
    expect(verifyPin(chip).sw).toBe(0x63c3);
  });

  it('wrong×2 then correct → the counter is back to 3 (test case 30)', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAuthPin(chip);
    expect(verifyPin(chip, '0000').sw).toBe(0x63c2);
    expect(verifyPin(chip, '1111').sw).toBe(0x63c1);
    expect(verifyPin(chip, '1234').sw).toBe(SW.ok);
    chip.reset();
    selectAuthPin(chip);
    expect(verifyPin(chip).sw).toBe(0x63c3);
  });

  it('wrong×3 locks: 63 C0, then 69 83 even for the right PIN (test case 30)', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAuthPin(chip);
    expect(verifyPin(chip, '0000').sw).toBe(0x63c2);
    expect(verifyPin(chip, '0000').sw).toBe(0x63c1);
    expect(verifyPin(chip, '0000').sw).toBe(0x63c0);
    expect(verifyPin(chip, '1234').sw).toBe(SW.authenticationBlocked);
    expect(verifyPin(chip).sw).toBe(SW.authenticationBlocked);
  });

  it('a PIN of the wrong length is refused with 67 00 and spends no try', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAuthPin(chip);
    expect(verifyPin(chip, '12345').sw).toBe(SW.wrongLength);
    expect(verifyPin(chip).sw).toBe(0x63c3);
  });

  it('the count persists between sessions and across export/import of the card image', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAuthPin(chip);
    verifyPin(chip, '0000');
    verifyPin(chip, '0000');
    const restored = VirtualChip.fromImage(JSON.parse(JSON.stringify(chip.exportImage())));
    selectAuthPin(restored);
    expect(verifyPin(restored).sw).toBe(0x63c1);
    expect(verifyPin(restored, '0000').sw).toBe(0x63c0);
    const again = VirtualChip.fromImage(restored.exportImage());
    selectAuthPin(again);
    expect(verifyPin(again, '1234').sw).toBe(SW.authenticationBlocked);
  });

  it('署名用 password: wrong×4 does not lock, the fifth does (rules.md §4; test case 30)', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAp(chip, JPKI_AID);
    selectEf(chip, JPKI_EF.signingPin);
    for (const left of [4, 3, 2, 1]) {
      expect(verifyPin(chip, 'WRONG1').sw).toBe(0x63c0 | left);
    }
    expect(verifyPin(chip, 'ABC123').sw).toBe(SW.ok);
    for (const left of [4, 3, 2, 1, 0]) {
      expect(verifyPin(chip, 'WRONG1').sw).toBe(0x63c0 | left);
    }
    expect(verifyPin(chip, 'ABC123').sw).toBe(SW.authenticationBlocked);
  });
});

describe('COMPUTE DIGITAL SIGNATURE with the 利用者証明用 key', () => {
  it('refuses to sign without a successful VERIFY in this session (69 82)', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAuthKey(chip);
    const r = sign(chip, enc.encode('challenge'));
    expect(r.sw).toBe(SW.securityNotSatisfied);
    expect(r.data.length).toBe(0);
  });

  it('signs after VERIFY (RSASSA-PKCS1-v1_5, SHA-256), verifiable with the certificate', async () => {
    const { chip, certificate } = await personalisedChip(ca, 'standard');
    selectAuthPin(chip);
    expect(verifyPin(chip, '1234').sw).toBe(SW.ok);
    selectEf(chip, JPKI_EF.authKey);
    const challenge = enc.encode('server challenge 42');
    const r = sign(chip, challenge);
    expect(r.sw).toBe(SW.ok);
    expect(verify('sha256', challenge, new X509Certificate(certificate).publicKey, r.data)).toBe(true);
  });

  it('forgets the VERIFY when the card leaves the reader', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAuthPin(chip);
    verifyPin(chip, '1234');
    chip.reset();
    selectAuthKey(chip);
    expect(sign(chip, enc.encode('x')).sw).toBe(SW.securityNotSatisfied);
  });

  it('a wrong VERIFY after a right one withdraws the right to sign', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAuthPin(chip);
    verifyPin(chip, '1234');
    verifyPin(chip, '9999');
    selectEf(chip, JPKI_EF.authKey);
    expect(sign(chip, enc.encode('x')).sw).toBe(SW.securityNotSatisfied);
  });

  it('a locked card refuses to sign (69 83) until the authority resets the PIN (rules.md §4 Reset)', async () => {
    const { chip, adminKey } = await personalisedChip(ca, 'standard');
    selectAuthPin(chip);
    for (let i = 0; i < 3; i += 1) {
      verifyPin(chip, '0000');
    }
    selectEf(chip, JPKI_EF.authKey);
    expect(sign(chip, enc.encode('x')).sw).toBe(SW.authenticationBlocked);
    new ChipAdministrator(chip, adminKey).resetPin('authentication', '4321');
    selectAuthPin(chip);
    expect(verifyPin(chip).sw).toBe(0x63c3);
    expect(verifyPin(chip, '1234').sw).toBe(0x63c2);
    expect(verifyPin(chip, '4321').sw).toBe(SW.ok);
    selectEf(chip, JPKI_EF.authKey);
    expect(sign(chip, enc.encode('x')).sw).toBe(SW.ok);
  });
});

describe('administrative commands need the issuer key', () => {
  it('refuses a PIN reset under the wrong administration key', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    expect(() => {
      new ChipAdministrator(chip, new Uint8Array(32)).resetPin('authentication', '0000');
    }).toThrow(CardError);
    selectAuthPin(chip);
    expect(verifyPin(chip, '1234').sw).toBe(SW.ok);
  });

  it('refuses an administrative command without a fresh challenge (69 85)', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAuthPin(chip);
    const r = send(chip, { ins: 0x2c, p1: 0x02, p2: 0x80, data: new Uint8Array(12) });
    expect(r.sw).toBe(SW.conditionsNotSatisfied);
  });
});

describe('顔認証マイナンバーカード (rules.md §4 [S24]; test case 31)', () => {
  it('has no PIN: VERIFY is refused with 69 84 (reference data not usable)', async () => {
    const { chip } = await personalisedChip(ca, 'faceOnly');
    selectAuthPin(chip);
    expect(verifyPin(chip, '1234').sw).toBe(SW.referenceDataNotUsable);
    expect(verifyPin(chip).sw).toBe(SW.referenceDataNotUsable);
  });

  it('cannot sign where a PIN is required, and has no 署名用 certificate', async () => {
    const { chip } = await personalisedChip(ca, 'faceOnly');
    selectAuthKey(chip);
    expect(sign(chip, enc.encode('x')).sw).toBe(SW.securityNotSatisfied);
    expect(selectEf(chip, JPKI_EF.signingCertificate).sw).toBe(SW.fileNotFound);
  });

  it('cannot be given a PIN by the authority either', async () => {
    const { chip, adminKey } = await personalisedChip(ca, 'faceOnly');
    expect(() => {
      new ChipAdministrator(chip, adminKey).resetPin('authentication', '1234');
    }).toThrow(/69 84/);
  });
});

describe('券面事項入力補助AP', () => {
  it('reads 4情報 only after its own 4-digit PIN', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAp(chip, CARD_INFO_AID);
    selectEf(chip, CARD_INFO_EF.basicFour);
    expect(send(chip, { ins: 0xb0, ne: 256 }).sw).toBe(SW.securityNotSatisfied);
    selectEf(chip, CARD_INFO_EF.pin);
    expect(verifyPin(chip, '1234').sw).toBe(0x63c2);
    expect(verifyPin(chip, '5678').sw).toBe(SW.ok);
    selectEf(chip, CARD_INFO_EF.basicFour);
    const r = send(chip, { ins: 0xb0, ne: 1024 });
    expect(decodeCardInfo(r.data)).toEqual(TEST_INFO);
  });

  it('selecting another application drops the 券面事項入力補助 verification', async () => {
    const { chip } = await personalisedChip(ca, 'standard');
    selectAp(chip, CARD_INFO_AID);
    selectEf(chip, CARD_INFO_EF.pin);
    verifyPin(chip, '5678');
    selectAp(chip, JPKI_AID);
    selectAp(chip, CARD_INFO_AID);
    selectEf(chip, CARD_INFO_EF.basicFour);
    expect(send(chip, { ins: 0xb0, ne: 256 }).sw).toBe(SW.securityNotSatisfied);
  });
});

describe('card image', () => {
  it('rejects a malformed image with a coded error', () => {
    expect(() => VirtualChip.fromImage({ format: 'something else' })).toThrow(CardError);
  });
});
