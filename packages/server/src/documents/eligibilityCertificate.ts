import {
  MM,
  createPdf,
  dashedLine,
  finish,
  fitText,
  loadFonts,
  midnightInJapan,
  paragraph,
  rateLabel,
  textColorOn,
  tint,
  wareki,
  type Pdf,
} from './pdf.js';
import type { DocumentScheme, EligibilityCertificateData } from './types.js';
import { validateEligibilityCertificate } from './validate.js';

/**
 * 資格確認書 as a はがき-size card (148 × 100 mm; MHLW allows カード型 including はがき型, documents-and-screens.md
 * §1.1): front and back printed one above the other on an A4 sheet, each inside crop marks, so an insurer's
 * mailing contractor cuts, folds or seals them (decision 0051).
 */

/** Title printed on the card and used as the PDF title. */
export const ELIGIBILITY_CERTIFICATE_TITLE = '資格確認書';

/** 国保 under 70: the 負担割合 box wording (documents-and-screens.md §1.2 [P5]). */
export const STATUTORY_RATE_TEXT = '法定負担割合のとおり';

/** Printed in an optional (任意記載事項) box that was not applied for (documents-and-screens.md §1.2 [P5][P9]). */
export const NOT_APPLIED = '*';

/**
 * Pale card colours used when the insurer sets none. Insurers choose their own and change it at each renewal
 * (documents-and-screens.md §1.1), so pass `color` for real issues.
 */
export const DEFAULT_CERTIFICATE_COLORS: Readonly<Record<DocumentScheme, string>> = {
  kyokai: '#9cc7ea',
  seninHoken: '#8fd0d8',
  dayLabourer: '#c9c3e6',
  kumiai: '#a8d5a2',
  selfDefenseForces: '#b8c8a0',
  kyosai: '#efd38a',
  specialRetiree: '#d6c6a8',
  kokuhoRetiree: '#e8b4c8',
  kokuho: '#f2a9bd',
  kokuhoKumiai: '#f5c49a',
  lateElderly: '#f4a460',
};

/** 10000 → 「10,000円」 (no locale data involved, so every runtime prints the same). */
function yen(amount: number): string {
  return `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/gu, ',')}円`;
}

/** 国保 schemes, whose under-70 rate box reads 「法定負担割合のとおり」. */
function isNationalScheme(scheme: DocumentScheme): boolean {
  return scheme === 'kokuho' || scheme === 'kokuhoKumiai' || scheme === 'kokuhoRetiree';
}

const PAGE_WIDTH = 595.28;
const CARD_W = 148 * MM;
const CARD_H = 100 * MM;
const CARD_X = (PAGE_WIDTH - CARD_W) / 2;
const FRONT_Y = 24 * MM;
const BACK_Y = FRONT_Y + CARD_H + 28 * MM;
const RULE = '#6b6f76';

/** Renders one 資格確認書 (front and back on one A4 page). Throws `DocumentDataError` on bad data. */
export async function renderEligibilityCertificate(data: EligibilityCertificateData): Promise<Buffer> {
  validateEligibilityCertificate(data);
  const fonts = await loadFonts();
  const doc = createPdf(fonts, {
    title: ELIGIBILITY_CERTIFICATE_TITLE,
    subject: `${data.insurer.name} ${ELIGIBILITY_CERTIFICATE_TITLE}`,
    author: data.insurer.name,
    createdAt: data.createdAt ?? midnightInJapan(data.issuedOn),
  });
  drawEligibilityCertificate(doc, data);
  return finish(doc);
}

/** Adds the 資格確認書 page to an open document (used by the batch renderers). Data must be validated. */
export function drawEligibilityCertificate(doc: Pdf, data: EligibilityCertificateData): void {
  doc.addPage({ size: 'A4', margin: 0 });
  const color = data.color ?? DEFAULT_CERTIFICATE_COLORS[data.scheme];
  fitText(doc, '（表面）', CARD_X + 6 * MM, FRONT_Y - 14, 40 * MM, { size: 8, color: '#555555' });
  drawCardOutline(doc, FRONT_Y, color);
  drawFront(doc, data, color);
  dashedLine(doc, 10 * MM, FRONT_Y + CARD_H + 14 * MM, PAGE_WIDTH - 10 * MM, FRONT_Y + CARD_H + 14 * MM, '#999999');
  fitText(doc, '（裏面）', CARD_X + 6 * MM, BACK_Y - 14, 40 * MM, { size: 8, color: '#555555' });
  drawCardOutline(doc, BACK_Y, color);
  drawBack(doc, data);
  const footY = BACK_Y + CARD_H + 8 * MM;
  paragraph(
    doc,
    '表面・裏面をそれぞれ外枠で切り取り、貼り合わせてお使いください。' +
      'マイナ保険証をお持ちでない方は、医療機関等の受付でこの資格確認書を提示することで受診できます。',
    CARD_X,
    footY,
    CARD_W,
    { size: 8, color: '#333333' },
  );
}

/** Tinted card face with corner crop marks. */
function drawCardOutline(doc: Pdf, y: number, color: string): void {
  doc.save();
  doc.roundedRect(CARD_X, y, CARD_W, CARD_H, 3 * MM).fill(tint(color, 0.28));
  doc.lineWidth(0.5).strokeColor('#444444');
  const m = 5 * MM;
  const corners: Array<[number, number, number, number]> = [
    [CARD_X, y, -1, -1],
    [CARD_X + CARD_W, y, 1, -1],
    [CARD_X, y + CARD_H, -1, 1],
    [CARD_X + CARD_W, y + CARD_H, 1, 1],
  ];
  for (const [cx, cy, dx, dy] of corners) {
    doc
      .moveTo(cx + dx * 1.5, cy)
      .lineTo(cx + dx * m, cy)
      .stroke();
    doc
      .moveTo(cx, cy + dy * 1.5)
      .lineTo(cx, cy + dy * m)
      .stroke();
  }
  doc.restore();
}

/** A label over a value, boxed; the building block of the card face. */
function box(doc: Pdf, label: string, value: string, x: number, y: number, w: number, h: number, size = 9.5): void {
  doc.save().lineWidth(0.5).strokeColor(RULE).fillColor('#ffffff');
  doc.rect(x, y, w, h).fillAndStroke('#ffffff', RULE);
  doc.restore();
  fitText(doc, label, x + 3, y + 2, w - 6, { size: 6.5, color: '#333333' });
  fitText(doc, value, x + 4, y + h - size - 5, w - 8, { size, minSize: 6.5 });
}

function relationshipLabel(data: EligibilityCertificateData): string | undefined {
  if (isNationalScheme(data.scheme) || data.scheme === 'lateElderly') {
    return undefined;
  }
  return data.relationship === 'dependant' ? '被扶養者' : '被保険者';
}

/**
 * 一部負担金の割合 as printed: the rate with its 発効期日 and any previous rate (「2割（令和7年7月31日までは3割）」);
 * 国保 under 70 「法定負担割合のとおり」; 被用者保険 under 70 prints no rate, as on the old 保険証 (decision 0051).
 */
export function copayText(data: EligibilityCertificateData): { rate: string; effective: string } | undefined {
  if (data.copay === undefined) {
    if (isNationalScheme(data.scheme)) {
      return { rate: STATUTORY_RATE_TEXT, effective: '' };
    }
    return undefined;
  }
  const previous =
    data.copay.previous === undefined
      ? ''
      : `（${wareki(data.copay.previous.validTo)}までは${rateLabel(data.copay.previous.rate)}）`;
  return { rate: `${rateLabel(data.copay.rate)}${previous}`, effective: wareki(data.copay.validFrom) };
}

function drawFront(doc: Pdf, data: EligibilityCertificateData, color: string): void {
  const x0 = CARD_X + 5 * MM;
  const w = CARD_W - 10 * MM;
  let y = FRONT_Y + 4 * MM;

  // Title band in the insurer's colour, with 有効期限 where the eye lands first.
  doc.save().roundedRect(x0, y, w, 24, 2).fill(color).restore();
  const onBand = textColorOn(color);
  fitText(doc, ELIGIBILITY_CERTIFICATE_TITLE, x0 + 8, y + 4, 50 * MM, { size: 15, bold: true, color: onBand });
  fitText(doc, `有効期限 ${wareki(data.validTo)}`, x0 + w / 2, y + 7, w / 2 - 8, {
    size: 10.5,
    bold: true,
    align: 'right',
    color: onBand,
  });
  y += 28;

  const h = 33;
  const half = w / 2;
  if (data.scheme === 'lateElderly') {
    box(doc, '被保険者番号', data.member.number, x0, y, half, h, 11);
    box(doc, '交付年月日', wareki(data.issuedOn), x0 + half, y, half, h);
  } else {
    box(doc, '記号', data.member.symbol ?? '', x0, y, w * 0.34, h, 10.5);
    box(doc, '番号', data.member.number, x0 + w * 0.34, y, w * 0.3, h, 10.5);
    box(doc, '枝番', data.member.branch ?? '', x0 + w * 0.64, y, w * 0.12, h, 10.5);
    box(doc, '交付年月日', wareki(data.issuedOn), x0 + w * 0.76, y, w * 0.24, h, 8.5);
  }
  y += h;

  const nameW = w * 0.76;
  doc
    .save()
    .rect(x0, y, nameW, h + 6)
    .fillAndStroke('#ffffff', RULE)
    .restore();
  fitText(doc, '氏名', x0 + 3, y + 2, 20 * MM, { size: 6.5, color: '#333333' });
  if (data.nameKana !== undefined) {
    fitText(doc, data.nameKana, x0 + 16 * MM, y + 2, nameW - 18 * MM, { size: 7 });
  }
  fitText(doc, data.nameKanji, x0 + 4, y + 13, nameW - 8, { size: 13, bold: true });
  box(doc, '性別', data.sex === 'male' ? '男' : '女', x0 + nameW, y, w - nameW, h + 6, 11);
  y += h + 6;

  box(doc, '生年月日', wareki(data.birthDate), x0, y, half, h);
  box(doc, '資格取得年月日', wareki(data.acquiredOn), x0 + half, y, half, h);
  y += h;

  const copay = copayText(data);
  const relationship = relationshipLabel(data);
  const rateW = relationship === undefined ? w : w * 0.76;
  if (copay === undefined) {
    box(doc, '一部負担金の割合', '', x0, y, rateW, h);
  } else {
    const effective = copay.effective === '' ? '' : `（発効期日 ${copay.effective}）`;
    box(doc, '一部負担金の割合', `${copay.rate}${effective}`, x0, y, rateW, h);
  }
  if (relationship !== undefined) {
    box(doc, '本人・家族', relationship, x0 + rateW, y, w - rateW, h);
  }
  y += h;

  // 任意記載事項: "*" when not applied for (documents-and-screens.md §1.2).
  const third = w / 3;
  const limit =
    data.limitCategory === undefined
      ? NOT_APPLIED
      : `${data.limitCategory.label}（${wareki(data.limitCategory.validFrom)}）`;
  box(doc, '限度区分（発効期日）', limit, x0, y, third, h, 8.5);
  box(
    doc,
    '長期入院該当日',
    data.longTermOn === undefined ? NOT_APPLIED : wareki(data.longTermOn),
    x0 + third,
    y,
    third,
    h,
    8.5,
  );
  const disease =
    data.specificDisease === undefined
      ? NOT_APPLIED
      : `${data.specificDisease.label} ${yen(data.specificDisease.selfPayLimit)}`;
  box(doc, '特定疾病区分', disease, x0 + 2 * third, y, third, h, 8.5);
  y += h;

  box(doc, '保険者番号', data.insurer.number, x0, y, w * 0.3, h, 10.5);
  box(doc, '保険者名称', data.insurer.name, x0 + w * 0.3, y, w * 0.7, h, 10);
  y += h;
  if (data.insurer.address !== undefined) {
    fitText(doc, `保険者所在地\u3000${data.insurer.address}`, x0, y + 3, w, { size: 7.5 });
  }
}

/** Back: 住所 (filled in by the holder when not printed), notes, 臓器提供意思表示欄, insurer (documents-and-screens.md §1.1). */
function drawBack(doc: Pdf, data: EligibilityCertificateData): void {
  const x0 = CARD_X + 5 * MM;
  const w = CARD_W - 10 * MM;
  let y = BACK_Y + 4 * MM;

  doc.save().rect(x0, y, w, 22).fillAndStroke('#ffffff', RULE).restore();
  fitText(doc, '住所', x0 + 3, y + 2, 20 * MM, { size: 6.5, color: '#333333' });
  fitText(doc, data.address ?? '', x0 + 14 * MM, y + 7, w - 16 * MM, { size: 9 });
  y += 26;

  fitText(doc, '注意事項', x0, y, w, { size: 8, bold: true });
  y = paragraph(
    doc,
    '1. 医療機関等で受診するときは、必ずこの資格確認書を窓口に提示してください。' +
      '限度区分等が記載されていない場合、必要に応じて保険者に申請してください。\n' +
      '2. 資格を失ったときは、すみやかに保険者に返却してください。有効期限が切れたものはご自身で破棄できます。\n' +
      '3. 不正に使用した者は、刑法により詐欺罪として懲役の処分を受けます。\n' +
      '4. マイナンバーカードを健康保険証として利用登録すると、マイナ保険証で受診できます。',
    x0,
    y + 11,
    w,
    { size: 7, lineGap: 0.8 },
  );
  y += 3;

  // 臓器提供意思表示欄: the standard wording of the former 保険証 back.
  const organTop = y;
  const organH = BACK_Y + CARD_H - 4 * MM - 16 - organTop;
  doc.save().rect(x0, organTop, w, organH).fillAndStroke('#ffffff', RULE).restore();
  let oy = paragraph(
    doc,
    '※以下の欄に記入することにより、臓器提供に関する意思を表示することができます。' +
      '記入する場合は、1から3までのいずれかの番号を○で囲んでください。',
    x0 + 4,
    organTop + 3,
    w - 8,
    { size: 6.8, lineGap: 0.6 },
  );
  oy = paragraph(
    doc,
    '1. 私は、脳死後及び心臓が停止した死後のいずれでも、移植の為に臓器を提供します。\n' +
      '2. 私は、心臓が停止した死後に限り、移植の為に臓器を提供します。\n' +
      '3. 私は、臓器を提供しません。\n' +
      '《1又は2を選んだ方で、提供したくない臓器があれば、×をつけてください。》 【 心臓 ・ 肺 ・ 肝臓 ・ 腎臓 ・ 膵臓 ・ 小腸 ・ 眼球 】\n' +
      '〔特記欄：                                                            〕',
    x0 + 4,
    oy + 2,
    w - 8,
    { size: 6.8, lineGap: 1.2 },
  );
  fitText(doc, '署名年月日：　　　年　　月　　日', x0 + 4, oy + 6, w / 2 - 8, { size: 6.5 });
  fitText(doc, '本人署名（自筆）：', x0 + 4, oy + 22, w / 2 - 8, { size: 6.5 });
  fitText(doc, '家族署名（自筆）：', x0 + w / 2, oy + 22, w / 2 - 8, { size: 6.5 });

  const insurerLine = [
    data.insurer.name,
    data.insurer.address,
    data.insurer.phone === undefined ? undefined : `電話 ${data.insurer.phone}`,
  ]
    .filter((part): part is string => part !== undefined)
    .join('　');
  fitText(doc, `保険者\u3000${insurerLine}`, x0, BACK_Y + CARD_H - 4 * MM - 11, w, { size: 7.5 });
}
