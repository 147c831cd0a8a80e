import { MM, createPdf, drawQr, finish, fitText, loadFonts, paragraph, wareki, type Pdf } from './pdf.js';

/**
 * わたしの情報 (マイナポータル 資格情報画面) as a one-page A4 PDF: the person's 資格 and a QR code that reception
 * scans to check it online. Shown with the card when the reader cannot be used (documents-and-screens.md §3.2,
 * rules.md §5 failure ladder rung 1). The QR holds only an ASCII verification URL with a signed token — no personal
 * data in clear (stack-notes.md: QR payloads stay ASCII).
 */

/** One qualification as printed. */
export interface MyInformationQualification {
  insurerName: string;
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  /** 本人 / 家族. */
  relationship: 'insured' | 'dependant';
  acquiredOn: string;
  copayRate: number | null;
  /** 限度額適用区分 label, or null when none applies. */
  limitCategory: string | null;
}

/** What the PDF prints. */
export interface MyInformationData {
  nameKanji: string;
  nameKana: string;
  birthDate: string;
  qualifications: MyInformationQualification[];
  /** 健康保険証利用登録 status line (「登録済み: …」 or 「未登録」). */
  registration: { registered: boolean; text: string };
  /** The URL in the QR code (ASCII). */
  verifyUrl: string;
  /** When the PDF was made (the PDF's creation date; from the injected clock). */
  issuedAt: Date;
  /** Last instant the QR code verifies. */
  validUntil: Date;
}

/** Title as printed and in the PDF metadata. */
export const MY_INFORMATION_TITLE = 'わたしの情報（資格情報）';

const PAGE_WIDTH = 595.28;
const LEFT = 20 * MM;
const RIGHT = PAGE_WIDTH - 20 * MM;
const WIDTH = RIGHT - LEFT;
const LABEL_FILL = '#eef1f5';
const RULE = '#7a7f87';

function tokyoTime(at: Date): string {
  return new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
}

function row(doc: Pdf, label: string, value: string, y: number, emphasise = false): number {
  const h = 9 * MM;
  const labelWidth = 48 * MM;
  doc.save().rect(LEFT, y, labelWidth, h).fill(LABEL_FILL).restore();
  doc.save().lineWidth(0.5).strokeColor(RULE).rect(LEFT, y, WIDTH, h).stroke().restore();
  fitText(doc, label, LEFT + 2 * MM, y + 2.4 * MM, labelWidth - 4 * MM, { size: 10 });
  fitText(doc, value, LEFT + labelWidth + 3 * MM, y + 2 * MM, WIDTH - labelWidth - 6 * MM, {
    size: emphasise ? 13 : 11,
    bold: emphasise,
  });
  return y + h;
}

function drawQualification(doc: Pdf, q: MyInformationQualification, y: number): number {
  let at = y;
  at = row(doc, '保険者名', q.insurerName, at, true);
  at = row(doc, '保険者番号', q.insurerNumber, at);
  at = row(doc, '記号・番号・枝番', `${q.symbol ?? '（なし）'}・${q.number}・${q.branch ?? '（なし）'}`, at, true);
  at = row(doc, '本人・家族の別', q.relationship === 'insured' ? '本人' : '家族', at);
  at = row(doc, '資格取得年月日', wareki(q.acquiredOn), at);
  at = row(doc, '一部負担金の割合', q.copayRate === null ? '—' : `${String(Math.round(q.copayRate * 10))}割`, at);
  at = row(doc, '限度額適用区分', q.limitCategory ?? '—', at);
  return at;
}

/** Draws the page on an open document. */
export function drawMyInformation(doc: Pdf, data: MyInformationData): void {
  doc.addPage({ size: 'A4', margin: 0 });
  let y = 18 * MM;
  y = paragraph(doc, MY_INFORMATION_TITLE, LEFT, y, WIDTH, { size: 20, bold: true });
  y = paragraph(
    doc,
    `作成日時 ${tokyoTime(data.issuedAt)}（QRコードの有効期限 ${tokyoTime(data.validUntil)}）`,
    LEFT,
    y + 2 * MM,
    WIDTH,
    {
      size: 9,
      color: '#444444',
    },
  );
  y += 5 * MM;
  y = row(doc, '氏名', data.nameKanji, y, true);
  y = row(doc, 'フリガナ', data.nameKana, y);
  y = row(doc, '生年月日', wareki(data.birthDate), y);
  y = row(doc, '健康保険証利用登録', data.registration.text, y);
  for (const q of data.qualifications) {
    y += 5 * MM;
    y = drawQualification(doc, q, y);
  }
  if (data.qualifications.length === 0) {
    y = paragraph(doc, '現在有効な資格情報はありません。', LEFT, y + 5 * MM, WIDTH, { size: 12, bold: true });
  }
  y += 8 * MM;
  const qrSize = 36 * MM;
  drawQr(doc, data.verifyUrl, LEFT, y, qrSize);
  paragraph(
    doc,
    '医療機関・薬局の方へ: カードリーダーが使えないときは、このQRコードを読み取ってオンラインで資格を確認できます。' +
      'マイナンバーカードと一緒にご提示ください。この画面（PDF）のみでは受診できません。',
    LEFT + qrSize + 6 * MM,
    y + 2 * MM,
    WIDTH - qrSize - 6 * MM,
    { size: 10, lineGap: 3 },
  );
}

/** Renders わたしの情報 as a one-page A4 PDF. */
export async function renderMyInformation(data: MyInformationData): Promise<Buffer> {
  const fonts = await loadFonts();
  const doc = createPdf(fonts, {
    title: MY_INFORMATION_TITLE,
    subject: 'マイナポータル 資格情報',
    author: 'Onshi',
    createdAt: data.issuedAt,
  });
  drawMyInformation(doc, data);
  return finish(doc);
}
