import {
  MM,
  createPdf,
  dashedLine,
  drawQr,
  finish,
  fitText,
  loadFonts,
  midnightInJapan,
  paragraph,
  rateLabel,
  wareki,
  type Pdf,
} from './pdf.js';
import type { QualificationNoticeData } from './types.js';
import { validateQualificationNotice } from './validate.js';

/**
 * 資格情報のお知らせ on A4, laid out like the 協会けんぽ sample (seed 003): mailing block and header, the table of
 * 資格 data, the マイナポータル QR code, the My Number's last four digits, and a card-size part to cut out.
 */

const PAGE_WIDTH = 595.28;
const LEFT = 18 * MM;
const RIGHT = PAGE_WIDTH - 18 * MM;
const CONTENT_WIDTH = RIGHT - LEFT;
const LABEL_FILL = '#eef1f5';
const RULE = '#7a7f87';

/** The sentence the whole design turns on (seed 003; rules.md §5): the お知らせ is not a 保険証. */
export const NOT_VALID_ALONE = 'このお知らせのみでは受診できません';

/** Title of the document, as printed and as the PDF title. */
export const QUALIFICATION_NOTICE_TITLE = '資格情報のお知らせ';

/** Renders one 資格情報のお知らせ as a one-page A4 PDF. Throws `DocumentDataError` on bad data. */
export async function renderQualificationNotice(data: QualificationNoticeData): Promise<Buffer> {
  validateQualificationNotice(data);
  const fonts = await loadFonts();
  const doc = createPdf(fonts, {
    title: QUALIFICATION_NOTICE_TITLE,
    subject: `${data.insurer.name} ${QUALIFICATION_NOTICE_TITLE}`,
    author: data.insurer.name,
    createdAt: data.createdAt ?? midnightInJapan(data.issuedOn),
  });
  drawQualificationNotice(doc, data);
  return finish(doc);
}

/** Adds the お知らせ page to an open document (used by the batch renderers). Data must be validated. */
export function drawQualificationNotice(doc: Pdf, data: QualificationNoticeData): void {
  doc.addPage({ size: 'A4', margin: 0 });
  let y = drawHeader(doc, data);
  y = drawTitle(doc, data, y);
  y = drawTable(doc, data, y + 6);
  y = drawPortal(doc, data, y + 10);
  y = drawIndividualNumber(doc, data, y + 6);
  drawCardPart(doc, data, y + 8);
  drawFooter(doc, data);
}

/** お問い合わせ先 at the foot of the page. */
function drawFooter(doc: Pdf, data: QualificationNoticeData): void {
  const phone = data.insurer.phone === undefined ? '' : `\u3000電話 ${data.insurer.phone}`;
  fitText(doc, `お問い合わせ先\u3000${data.insurer.name}${phone}`, LEFT, 841.89 - 14 * MM, CONTENT_WIDTH, {
    size: 8.5,
    align: 'right',
    color: '#333333',
  });
}

function memberIdLine(data: QualificationNoticeData): string {
  if (data.scheme === 'lateElderly') {
    return `被保険者番号 ${data.member.number}`;
  }
  const parts = [];
  if (data.member.symbol !== undefined) {
    parts.push(`記号 ${data.member.symbol}`);
  }
  parts.push(`番号 ${data.member.number}`);
  if (data.member.branch !== undefined) {
    parts.push(`枝番 ${data.member.branch}`);
  }
  return parts.join('  ');
}

/** Window-envelope block on the left, date and sender on the right (seed 003, section 4). */
function drawHeader(doc: Pdf, data: QualificationNoticeData): number {
  const top = 14 * MM;
  fitText(doc, 'お問い合わせ番号', LEFT, top, 80 * MM, { size: 7.5, color: '#333333' });
  fitText(doc, data.inquiryNumber, LEFT, top + 10, 90 * MM, { size: 10 });

  let left = top + 30;
  if (data.mailing !== undefined) {
    fitText(doc, `〒${data.mailing.postalCode}`, LEFT + 4, left, 90 * MM, { size: 10 });
    left = paragraph(doc, data.mailing.address, LEFT + 4, left + 15, 90 * MM, { size: 10 });
    fitText(doc, memberIdLine(data), LEFT + 4, left + 6, 90 * MM, { size: 8.5 });
    fitText(doc, `${data.mailing.addresseeName} 様`, LEFT + 4, left + 20, 90 * MM, { size: 12, bold: true });
    left += 38;
    if (data.mailing.addresseeName !== data.nameKanji) {
      fitText(doc, `（対象者氏名）${data.nameKanji} 様`, LEFT + 4, left, 90 * MM, { size: 9 });
      left += 14;
    }
  }

  const rightX = RIGHT - 78 * MM;
  fitText(doc, wareki(data.issuedOn), rightX, top, 78 * MM, { size: 10, align: 'right' });
  let right = top + 30;
  fitText(doc, data.insurer.name, rightX, right, 78 * MM, { size: 11, bold: true, align: 'right' });
  right += 17;
  if (data.insurer.address !== undefined) {
    right = paragraph(doc, data.insurer.address, rightX, right, 78 * MM, { size: 8.5, align: 'right' });
  }
  if (data.insurer.phone !== undefined) {
    fitText(doc, `電話 ${data.insurer.phone}`, rightX, right + 1, 78 * MM, { size: 8.5, align: 'right' });
    right += 14;
  }
  return Math.max(left, right, top + 80) + 8;
}

function drawTitle(doc: Pdf, data: QualificationNoticeData, y: number): number {
  fitText(doc, QUALIFICATION_NOTICE_TITLE, LEFT, y, CONTENT_WIDTH, { size: 20, bold: true, align: 'center' });
  const intro =
    `あなたの加入する健康保険の資格情報を下記のとおりお知らせします（${wareki(data.asOf)}時点）。` +
    `なお、${NOT_VALID_ALONE}。`;
  return paragraph(doc, intro, LEFT, y + 34, CONTENT_WIDTH, { size: 9.5 });
}

/** One labelled cell: grey label box, white value box. */
function cell(
  doc: Pdf,
  label: string,
  value: string,
  x: number,
  y: number,
  w: number,
  labelW: number,
  h: number,
): void {
  doc.save();
  doc.lineWidth(0.6).strokeColor(RULE);
  doc.rect(x, y, labelW, h).fillAndStroke(LABEL_FILL, RULE);
  doc.rect(x + labelW, y, w - labelW, h).stroke();
  doc.restore();
  fitText(doc, label, x + 5, y + (h - 11) / 2, labelW - 8, { size: 9 });
  fitText(doc, value, x + labelW + 6, y + (h - 13) / 2, w - labelW - 10, { size: 10.5 });
}

/** The 資格 table of seed 003: 記号・番号・枝番, 氏名, フリガナ, 生年月日, 負担割合, 資格取得年月日, 保険者. */
function drawTable(doc: Pdf, data: QualificationNoticeData, y: number): number {
  const h = 21;
  const labelW = 30 * MM;
  if (data.scheme === 'lateElderly') {
    cell(doc, '被保険者番号', data.member.number, LEFT, y, CONTENT_WIDTH, labelW, h);
  } else {
    const third = CONTENT_WIDTH / 3;
    cell(doc, '記号', data.member.symbol ?? '', LEFT, y, third, 16 * MM, h);
    cell(doc, '番号', data.member.number, LEFT + third, y, third, 16 * MM, h);
    cell(doc, '枝番', data.member.branch ?? '', LEFT + 2 * third, y, third, 16 * MM, h);
  }
  const rows: Array<[string, string]> = [
    ['氏名', data.nameKanji],
    ['フリガナ', data.nameKana],
    ['生年月日', wareki(data.birthDate)],
    ['負担割合', `${rateLabel(data.copayRate)}（${wareki(data.asOf)}時点）`],
  ];
  if (data.validTo !== undefined) {
    rows.push(['有効期限', wareki(data.validTo)]);
  }
  rows.push(
    ['資格取得年月日', wareki(data.acquiredOn)],
    ['保険者番号', data.insurer.number],
    ['保険者名称', data.insurer.name],
  );
  let rowY = y + h;
  for (const [label, value] of rows) {
    cell(doc, label, value, LEFT, rowY, CONTENT_WIDTH, labelW, h);
    rowY += h;
  }
  return rowY;
}

/** マイナポータル QR and the exceptional-case wording of seed 003. */
function drawPortal(doc: Pdf, data: QualificationNoticeData, y: number): number {
  const qrSize = 24 * MM;
  const textW = CONTENT_WIDTH - qrSize - 8 * MM;
  let ty = paragraph(
    doc,
    'スマートフォンをお持ちの方は、右の二次元コードからマイナポータルにログインすることで、' +
      'ご自身の健康保険の資格情報を確認することができます。ぜひご利用ください。',
    LEFT,
    y,
    textW,
    { size: 8.5 },
  );
  ty = paragraph(
    doc,
    'マイナ保険証の読み取りができない例外的な場合については、スマートフォンの資格情報画面をマイナ保険証とともに' +
      '医療機関等の受付で提示することで受診いただけます（スマートフォンをお持ちでない方は、この文書をマイナ保険証' +
      'とともに医療機関等の受付で提示することで受診いただけます）。',
    LEFT,
    ty + 4,
    textW,
    { size: 8.5 },
  );
  const qrX = RIGHT - qrSize;
  drawQr(doc, data.portalUrl, qrX, y, qrSize);
  fitText(doc, 'マイナポータルはこちら', qrX - 6 * MM, y + qrSize + 3, qrSize + 12 * MM, {
    size: 7,
    align: 'center',
  });
  return Math.max(ty, y + qrSize + 14);
}

/** マイナンバー下4桁 (seed 003): never the whole number, which the data does not even carry. */
function drawIndividualNumber(doc: Pdf, data: QualificationNoticeData, y: number): number {
  const boxW = 52 * MM;
  const textW = CONTENT_WIDTH - boxW - 6 * MM;
  const bottom = paragraph(
    doc,
    'なお、現在、医療保険のデータベースに登録されているあなたの個人番号（マイナンバー）は次のとおりです' +
      '（12桁のうち下4桁のみ表示）。万が一、表示されている下4桁の数字が、ご自身の個人番号（マイナンバー）の' +
      '下4桁と一致していない場合には、保険者までご連絡ください。',
    LEFT,
    y,
    textW,
    { size: 8.5 },
  );
  const boxX = RIGHT - boxW;
  doc
    .save()
    .lineWidth(0.8)
    .strokeColor('#000000')
    .rect(boxX, y + 2, boxW, 26)
    .stroke()
    .restore();
  fitText(doc, `**** **** ${data.individualNumberLast4}`, boxX, y + 8, boxW, {
    size: 13,
    bold: true,
    align: 'center',
  });
  return Math.max(bottom, y + 30);
}

/** Card-size (ID-1, 85.6 × 54 mm) part below a dashed cut line, repeating the key fields (seed 003). */
function drawCardPart(doc: Pdf, data: QualificationNoticeData, y: number): void {
  dashedLine(doc, 8 * MM, y, PAGE_WIDTH - 8 * MM, y);
  fitText(doc, '切り取り線', PAGE_WIDTH / 2 - 20 * MM, y + 2, 40 * MM, {
    size: 6.5,
    align: 'center',
    color: '#555555',
  });

  const cardW = 85.6 * MM;
  const cardH = 54 * MM;
  const x = LEFT;
  const top = y + 14;
  doc.save();
  doc.lineWidth(0.8).dash(3, { space: 2 }).strokeColor('#333333');
  doc.roundedRect(x, top, cardW, cardH, 3 * MM).stroke();
  doc.undash();
  doc.restore();

  const pad = 3.5 * MM;
  const inner = cardW - 2 * pad;
  const labelW = 21 * MM;
  doc
    .save()
    .rect(x + pad, top + pad + 15, inner, 0.8)
    .fill('#555555')
    .restore();
  fitText(doc, QUALIFICATION_NOTICE_TITLE, x + pad, top + pad - 1, inner, { size: 11, bold: true });
  let line = top + pad + 20;
  const row = (label: string, value: string, size = 8): void => {
    fitText(doc, label, x + pad, line + (size - 6.5) * 0.7, labelW, { size: 6.5, color: '#333333' });
    fitText(doc, value, x + pad + labelW, line, inner - labelW, { size });
    line += size + 4.6;
  };
  if (data.scheme === 'lateElderly') {
    row('被保険者番号', data.member.number);
  } else {
    const parts = [`記号 ${data.member.symbol ?? ''}`, `番号 ${data.member.number}`];
    if (data.member.branch !== undefined) {
      parts.push(`枝番 ${data.member.branch}`);
    }
    fitText(doc, parts.join('   '), x + pad, line, inner, { size: 8.5 });
    line += 13.5;
  }
  row('フリガナ', data.nameKana, 7);
  row('氏名', data.nameKanji, 11);
  row('生年月日', wareki(data.birthDate));
  row('資格取得年月日', wareki(data.acquiredOn));
  if (data.validTo !== undefined) {
    // 70–74 and 後期: the rate and the validity travel with the card part (documents-and-screens.md §2).
    row('負担割合', `${rateLabel(data.copayRate)}（有効期限 ${wareki(data.validTo)}）`);
  }
  row('保険者番号', data.insurer.number);
  row('保険者名称', data.insurer.name);
  fitText(doc, `（${NOT_VALID_ALONE}）`, x + pad, top + cardH - pad - 8, inner, {
    size: 6.5,
    bold: true,
    align: 'center',
  });

  const numberWords = data.scheme === 'lateElderly' ? '被保険者番号' : '記号・番号';
  const noteX = x + cardW + 8 * MM;
  const noteW = RIGHT - noteX;
  let ny = paragraph(doc, '左を切り取ってご利用いただくこともできます', noteX, top + 2, noteW, {
    size: 9,
    bold: true,
  });
  ny = paragraph(doc, `（${NOT_VALID_ALONE}）`, noteX, ny + 2, noteW, { size: 9, bold: true });
  ny = paragraph(
    doc,
    '医療機関等でマイナ保険証（マイナンバーカード）が読み取れないときに、マイナンバーカードとともに受付で' +
      '提示してください。',
    noteX,
    ny + 6,
    noteW,
    { size: 8 },
  );
  paragraph(
    doc,
    `健康保険の各種申請（給付金・補助金など）で${numberWords}の記入が必要なときにもご活用ください。大切に保管してください。`,
    noteX,
    ny + 4,
    noteW,
    { size: 8 },
  );
}
