import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { individualNumberCheckDigit } from '@onshi/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMBER_COLUMNS } from '../packages/server/src/commands/insurer/import/memberRow.js';
import { hashSecret, issueCredential } from '../packages/server/src/http/auth.js';
import { launchBrowser, screenshot, seriousViolations } from './harness/browser.js';
import { INSURER_NUMBER } from './harness/population.js';
import { startE2eServer, type E2eServer } from './harness/server.js';

/*
 * The insurer console in a real browser against the real server (issue 9 "Insurer console (web)" and "Must show":
 * browser tests of the member actions and of the import with a reject report), on the e2e population of
 * 協会けんぽ 東京支部 as of 2026-04-01 (e2e/harness/population.ts).
 */

let server: E2eServer;
let browser: Browser;
let token: string;

beforeAll(async () => {
  server = await startE2eServer();
  const credential = issueCredential({ kind: 'insurer', insurerNumber: INSURER_NUMBER });
  await server.ctx.store.credentials.put({
    id: credential.id,
    subjectKind: 'insurer',
    subjectId: INSURER_NUMBER,
    secretHash: hashSecret(credential.secret),
    label: 'e2e insurer console',
    createdAt: server.clock.now().toISOString(),
  });
  token = credential.token;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
  await server.close();
});

function myNumber(first11: string): string {
  return `${first11}${String(individualNumberCheckDigit(first11))}`;
}

/** Opens /insurer and logs in by typing the insurer token, as staff do. */
async function logIn(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  await page.goto(`${server.baseUrl}/insurer`);
  await page.locator('input[name="token"]').fill(token);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.locator('[data-section="search"]').waitFor();
  return page;
}

async function openByKana(page: Page, kana: string, name: string): Promise<void> {
  const search = page.locator('[data-section="search"]');
  await search.locator('input[name="nameKana"]').fill(kana);
  await search.getByRole('button', { name: '検索' }).click();
  await search.getByRole('button', { name }).click();
  await page.locator('[data-section="documents"]').waitFor();
}

/** Clicks, waits for the download and returns its bytes. */
async function downloadOf(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

function pdfText(bytes: Buffer): string {
  return execFileSync('pdftotext', ['-', '-'], { input: bytes }).toString('utf8');
}

describe('insurer console: a member’s page and its actions (issue 9)', () => {
  it('opens with the token in the URL fragment and switches to English (issue 9: Japanese first, English switch)', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${server.baseUrl}/insurer#token=${encodeURIComponent(token)}`);
    await page.locator('[data-section="search"]').waitFor();
    expect(page.url()).not.toContain('token');
    expect(await page.locator('#h-search').innerText()).toBe('加入者検索');
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('#h-search').innerText()).toBe('Find a member');
    const search = page.locator('[data-section="search"]');
    await search.locator('input[name="symbol"]').fill('５００１');
    await search.locator('input[name="number"]').fill('101');
    await search.locator('input[name="number"]').press('Enter');
    await expect.poll(() => search.locator('tbody tr').count()).toBe(1);
    expect(await search.locator('tbody').innerText()).toContain('山田 花子');
    await page.close();
  });

  it('shows a DV flag only as set, never why or since when (rules.md §8 [S35])', async () => {
    const page = await logIn();
    await openByKana(page, 'たなか', '田中 美香');
    const row = page.locator('[data-section="dv-flags"] tr[data-flag="selfInfoBlocked"]');
    await expect.poll(() => row.getAttribute('data-set')).toBe('yes');
    expect(await row.innerText()).toContain('設定あり');
    const text = await page.locator('.member-page').innerText();
    expect(text).not.toContain('2025-01-01');
    expect(text).not.toMatch(/DV被害|暴力|理由:/);
    await page.close();
  });

  it('links a My Number (last 4 shown), sets and clears a DV flag, adds and removes a dependant, issues a 資格確認書 whose PDF opens, records 資格喪失', async () => {
    const page = await logIn();
    await openByKana(page, 'こばやし', '小林 恵');
    // The card and its 健康保険証利用登録 (registered at a clinic's reader by the card authority's issueCard).
    expect(await page.locator('[data-field="registration"]').innerText()).toContain('登録済み');
    expect(await page.locator('[data-field="card"]').first().innerText()).toContain('有効');

    // My Number: only the last four digits are ever shown (CONTRIBUTING: privacy; docs/api-insurer.md).
    const number = myNumber('31415926535');
    await page.locator('input[name="individualNumber"]').fill(number);
    await page.getByRole('button', { name: 'マイナンバーを登録' }).click();
    await expect.poll(() => page.locator('[data-field="individualNumber"]').innerText()).toContain(number.slice(-4));
    expect(await page.locator('body').innerText()).not.toContain(number);
    expect(await page.locator('input[name="individualNumber"]').count()).toBe(0);

    // DV flag 不開示該当: set from 2026-03-01, cleared from today.
    const flags = page.locator('[data-section="dv-flags"]');
    const flag = flags.locator('tr[data-flag="nonDisclosure"]');
    expect(await flag.getAttribute('data-set')).toBe('no');
    await flags.locator('input[name="dvFlagDate"]').fill('2026-03-01');
    await flag.getByRole('button', { name: '設定する' }).click();
    await expect.poll(() => flag.getAttribute('data-set')).toBe('yes');
    await flags.locator('input[name="dvFlagDate"]').fill('2026-04-01');
    await flag.getByRole('button', { name: '解除する' }).click();
    await expect.poll(() => flag.getAttribute('data-set')).toBe('no');

    // 被扶養者異動: add a child, then remove them (their loss today).
    const dependants = page.locator('[data-section="dependants"]');
    const form = dependants.locator('form[data-form="add-dependant"]');
    await form.locator('input[name="nameKanji"]').fill('小林 陽太');
    await form.locator('input[name="nameKana"]').fill('コバヤシ ヨウタ');
    await form.locator('input[name="birthDate"]').fill('2012-05-05');
    await form.locator('select[name="sex"]').selectOption('male');
    await form.locator('input[name="branch"]').fill('01');
    await form.locator('input[name="acquiredOn"]').fill('2026-03-01');
    await form.getByRole('button', { name: '被扶養者を追加' }).click();
    const child = dependants.locator('tr[data-dependant]', { hasText: '小林 陽太' });
    await child.waitFor();
    await child.getByRole('button', { name: '削除（本日喪失）' }).click();
    await expect.poll(() => child.innerText()).toContain('喪失済み');
    expect(await child.innerText()).toContain('2026-04-01');

    // 資格確認書 on request, and its PDF.
    const issue = page.locator('form[data-form="issue-document"]');
    await issue.locator('select[name="kind"]').selectOption('eligibilityCertificate');
    const pdf = await downloadOf(page, () => issue.getByRole('button', { name: '発行してPDFを開く' }).click());
    expect(pdf.name).toMatch(/^shikaku-kakuninsho-.*\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf.bytes);
    expect(text).toContain('資格確認書');
    expect(text).toContain('小林');
    await page.locator('[data-section="documents"] tr[data-document="eligibilityCertificate"]').waitFor();

    // 資格喪失 (03: another insurance acquired).
    const loss = page.locator('form[data-form="loss"]');
    await loss.locator('input[name="lostOn"]').fill('2026-04-01');
    await loss.locator('select[name="lossReason"]').selectOption('03');
    await loss.getByRole('button', { name: '資格喪失を登録' }).click();
    await expect.poll(() => page.locator('[data-field="status"]').innerText()).toContain('喪失 2026-04-01');
    expect(await page.locator('form[data-form="issue-document"]').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'insurer-member');
    await page.close();
  });
});

/** A member CSV with the documented header (docs/import-format.md §2). */
function memberCsv(rows: Record<string, string>[]): string {
  const lines = rows.map((r) => MEMBER_COLUMNS.map((c) => r[c.key] ?? '').join(','));
  return [MEMBER_COLUMNS.map((c) => c.header).join(','), ...lines].join('\r\n') + '\r\n';
}

function importRow(number: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    symbol: '7007',
    number,
    branch: '00',
    relationship: '1',
    nameKanji: '取込 花子',
    nameKana: 'トリコミ ハナコ',
    birthDate: '1984-02-03',
    sex: '2',
    postalCode: '160-0023',
    address: '東京都新宿区西新宿2-8-1',
    acquiredOn: '2026-04-01',
    copayRate: '3',
    ...extra,
  };
}

async function importFile(page: Page, name: string, content: string): Promise<void> {
  await page.getByRole('button', { name: '一括取込' }).click();
  const panel = page.locator('[data-section="import"]');
  await panel.locator('input[name="file"]').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(content, 'utf8'),
  });
  await panel.getByRole('button', { name: '取り込む' }).click();
  await panel.locator('[data-result]').waitFor();
}

describe('insurer console: CSV import (issue 9; docs/import-format.md)', () => {
  it('a bad row → nothing imported; the reject report downloads and names the row, the column and the reason', async () => {
    const page = await logIn();
    const rows = [importRow('1'), importRow('2', { birthDate: '1984-02-30' }), importRow('3')];
    await importFile(page, 'members-bad.csv', memberCsv(rows));
    const panel = page.locator('[data-section="import"]');
    expect(await panel.locator('[data-result]').getAttribute('data-result')).toBe('refused');
    expect(await panel.locator('progress').getAttribute('data-percent')).toBe('100');
    expect(await panel.locator('[data-result]').innerText()).toContain('何も登録していません');
    const report = await downloadOf(page, () => panel.locator('button[data-action="reject-report"]').click());
    const lines = report.bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('行,列,コード,メッセージ,message');
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toMatch(/^3,生年月日,IMPORT_DATE,日付として読めません/);
    await screenshot(page, 'insurer-import-rejects');

    // Nothing was written: the good rows of the refused file are not members.
    await page.getByRole('button', { name: '加入者検索' }).click();
    const search = page.locator('[data-section="search"]');
    await search.locator('input[name="nameKana"]').fill('トリコミ');
    await search.getByRole('button', { name: '検索' }).click();
    await expect.poll(() => search.innerText()).toContain('該当する加入者はいません');

    // The corrected file goes in whole.
    rows[1] = importRow('2', { birthDate: '1984-02-28' });
    await importFile(page, 'members-fixed.csv', memberCsv(rows));
    expect(await panel.locator('[data-result]').getAttribute('data-result')).toBe('committed');
    expect(await panel.locator('[data-result]').innerText()).toContain('3行をすべて取り込みました');
    await screenshot(page, 'insurer-import-committed');
    await page.getByRole('button', { name: '加入者検索' }).click();
    await search.locator('input[name="nameKana"]').fill('トリコミ');
    await search.getByRole('button', { name: '検索' }).click();
    await expect.poll(() => search.locator('tbody tr').count()).toBe(3);
    await page.close();
  });
});

describe('insurer console: documents due on a date (issue 9; docs/api-insurer.md due-runs)', () => {
  it('issues what the rules say is due, one PDF per member, and a 資格情報のお知らせ for a registered card holder', async () => {
    // The 資格情報のお知らせ prints the My Number's last four digits, so the holder's number is linked first.
    const yamadaNumber = myNumber('27182818284');
    const linked = await fetch(
      `${server.baseUrl}/insurer/v1/members/${server.population.members.pinHappy.qualification.id}/individual-number`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ individualNumber: yamadaNumber }),
      },
    );
    expect(linked.status).toBe(201);
    const page = await logIn();
    await page.getByRole('button', { name: '書類の一括発行' }).click();
    const due = page.locator('[data-section="due"]');
    await due.locator('input[name="date"]').fill('2026-04-01');
    await due.getByRole('button', { name: '一括発行する' }).click();
    const table = due.locator('table[data-table="due-documents"]');
    await table.waitFor();
    const issued =
      Number(await due.locator('[data-count="eligibilityCertificate"]').innerText()) +
      Number(await due.locator('[data-count="qualificationNotice"]').innerText());
    expect(issued).toBeGreaterThan(0);
    expect(await table.locator('tbody tr').count()).toBe(issued);
    // 中村 健 lost his qualification on 2026-03-01: nothing is due to him.
    expect(await table.innerText()).not.toContain('中村 健');
    // A 自己情報提供不可 flag holder gets a 資格確認書 without applying (rules.md §8 [S35]).
    expect(await table.locator('tr', { hasText: '田中 美香' }).innerText()).toContain('資格確認書');
    // Registered card holders without a linked My Number cannot get a お知らせ: listed, with the reason.
    const problems = due.locator('table[data-table="due-problems"] tbody tr');
    expect(await problems.count()).toBe(Number(await due.locator('[data-count="problems"]').innerText()));
    expect(await due.locator('table[data-table="due-problems"]').innerText()).toContain('マイナンバー未登録');
    const yamada = table.locator('tr', { hasText: '山田 花子' });
    expect(await yamada.innerText()).toContain('資格情報のお知らせ');
    const pdf = await downloadOf(page, () => yamada.getByRole('button', { name: 'PDFを開く' }).click());
    expect(pdf.name).toMatch(/^shikaku-oshirase-.*\.pdf$/);
    const text = pdfText(pdf.bytes);
    expect(text).toContain('山田');
    expect(text).toContain(yamadaNumber.slice(-4));
    expect(text).not.toContain(yamadaNumber);
    await screenshot(page, 'insurer-documents-due');
    await page.close();
  });
});
