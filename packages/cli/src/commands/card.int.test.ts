/**
 * `onshi card …` on a local SQLite database (issue 5 "CLI commands for the same operations"): issue, PIN reset on
 * the image file, suspension and its lifting, revocation on death, the notices job, and coded refusals.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CardReader, VirtualChip } from '@onshi/card';
import type { CardImage } from '@onshi/card';
import { openContext } from '../context.js';
import {
  issueAction,
  noticesAction,
  readerAction,
  resetPinAction,
  resumeAction,
  revokeAction,
  showAction,
  suspendAction,
} from './card.js';

let dir: string;
let db: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onshi-card-'));
  db = join(dir, 'onshi.db');
  const ctx = await openContext(db);
  await ctx.store.persons.insert({
    id: 'p1',
    nameKanji: '試験 花子',
    nameKana: 'シケン ハナコ',
    birthDate: '1990-05-15',
    sex: 'female',
    address: '東京都千代田区1-1',
    postalCode: '100-0001',
    prefecture: '13',
  });
  await ctx.store.institutions.upsert({
    institutionCode: '1310000016',
    name: 'オンシ診療所',
    kind: 'clinic',
    prefecture: '13',
    address: '東京都港区1-1',
    oqsEnabled: true,
    readerStatus: 'working',
    consentItemsEnabled: ['medication'],
    smartphoneReader: false,
  });
  await ctx.store.close();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cardIdFrom(lines: string[]): string {
  const id = /card ([0-9A-F]{16})/.exec(lines[0] ?? '')?.[1];
  expect(id).toBeDefined();
  return id ?? '';
}

describe('onshi card', () => {
  it('issues a card to a file only its owner can read, resets a locked PIN on that file, suspends, resumes and revokes', async () => {
    const out = join(dir, 'card.json');
    const issued = await issueAction(db, {
      person: 'p1',
      kind: 'standard',
      pin: '1234',
      signingPin: 'ABC123',
      cardInfoPin: '5678',
      out,
    });
    expect(issued.exitCode).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const cardId = cardIdFrom(issued.lines);

    const readerFile = join(dir, 'reader.json');
    expect((await readerAction(db, { institution: '1310000016', readerId: 'R-1', out: readerFile })).exitCode).toBe(0);
    const identity = JSON.parse(readFileSync(readerFile, 'utf8')) as Record<string, string>;
    const reader = new CardReader({
      readerId: 'R-1',
      institutionCode: '1310000016',
      privateKeyPkcs8: new Uint8Array(Buffer.from(identity.privateKeyPkcs8 ?? '', 'base64')),
      certificateDer: new Uint8Array(Buffer.from(identity.certificateDer ?? '', 'base64')),
    });
    const chip = VirtualChip.fromImage(JSON.parse(readFileSync(out, 'utf8')));
    for (let i = 0; i < 3; i += 1) {
      reader.verifyPin(chip, 'authentication', '0000');
    }
    const { writeSecretJson } = await import('../card/imageFile.js');
    await writeSecretJson(out, chip.exportImage());
    const reset = await resetPinAction(db, { card: cardId, image: out, credential: 'authentication', newPin: '4321' });
    expect(reset.exitCode).toBe(0);
    const after = VirtualChip.fromImage(JSON.parse(readFileSync(out, 'utf8')) as CardImage);
    expect(reader.verifyPin(after, 'authentication', '4321').ok).toBe(true);

    expect((await suspendAction(db, { card: cardId })).lines[0]).toContain('suspended');
    expect((await resumeAction(db, { card: cardId, image: out })).lines[0]).toContain('active');
    const revoked = await revokeAction(db, { person: 'p1' });
    expect(revoked.lines[0]).toContain('revoked');
    expect((await showAction(db, { person: 'p1' })).lines).toEqual([expect.stringContaining('revoked')]);
  });

  it('answers a refusal with its code and both messages and exit code 1, and writes no card', async () => {
    const out = join(dir, 'face.json');
    const refused = await issueAction(db, { person: 'p1', kind: 'faceOnly', pin: '1234', out });
    expect(refused.exitCode).toBe(1);
    expect(refused.lines[0]).toMatch(/^ONSHI-E-AUTHORITY-NO-PIN: .+ \/ .+/);
    expect(refused.lines.join('\n')).not.toContain('1234');
    expect(existsSync(out)).toBe(false);
  });

  it('lists the expiry notices due on a date (rules.md §4 有効期限通知書)', async () => {
    const out = join(dir, 'card.json');
    const issued = await issueAction(db, { person: 'p1', kind: 'faceOnly', out });
    const cardId = cardIdFrom(issued.lines);
    const expiry = /auth [0-9a-f]+ to (\d{4}-\d{2}-\d{2})/.exec(issued.lines[0] ?? '')?.[1] ?? '';
    const { addMonths } = await import('@onshi/core');
    const due = await noticesAction(db, { date: addMonths(expiry, -3) });
    expect(due.lines[0]).toBe(`1 expiry notice(s) due on ${addMonths(expiry, -3)}`);
    expect(due.lines[1]).toContain(cardId);
    expect((await noticesAction(db, { date: addMonths(expiry, -1) })).lines).toEqual([
      `0 expiry notice(s) due on ${addMonths(expiry, -1)}`,
    ]);
  });
});
