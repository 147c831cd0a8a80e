import { MM, createPdf, finish, fitText, loadFonts, paragraph, type Pdf } from '../../documents/pdf.js';
import type { MedicalExpenseNotice } from './medicalExpenses.js';

/** Title as printed. */
export const EXPENSE_STATEMENT_TITLE = '医療費控除の明細書（医療費通知情報）';

const PAGE_WIDTH = 595.28;
const LEFT = 15 * MM;
const RIGHT = PAGE_WIDTH - 15 * MM;
const ROW_H = 7 * MM;
const ROWS_PER_PAGE = 30;
/** Columns: the six items of an insurer's 医療費通知 (documents-and-screens.md §3.1 [N1]) and the 診療区分. */
const COLUMNS: { title: string; width: number; align: 'left' | 'right' }[] = [
  { title: '療養を受けた年月', width: 22 * MM, align: 'left' },
  { title: '療養を受けた者', width: 26 * MM, align: 'left' },
  { title: '病院・診療所・薬局等の名称', width: 46 * MM, align: 'left' },
  { title: '診療区分', width: 16 * MM, align: 'left' },
  { title: '支払った医療費の額（円）', width: 26 * MM, align: 'right' },
  { title: '保険者等の名称', width: 44 * MM, align: 'left' },
];

function drawRow(doc: Pdf, cells: string[], y: number, header: boolean): void {
  let x = LEFT;
  if (header) {
    doc
      .save()
      .rect(LEFT, y, RIGHT - LEFT, ROW_H)
      .fill('#eef1f5')
      .restore();
  }
  doc
    .save()
    .lineWidth(0.4)
    .strokeColor('#7a7f87')
    .rect(LEFT, y, RIGHT - LEFT, ROW_H)
    .stroke()
    .restore();
  COLUMNS.forEach((c, i) => {
    fitText(doc, cells[i] ?? '', x + 1.5 * MM, y + 2 * MM, c.width - 3 * MM, {
      size: header ? 7.5 : 8.5,
      bold: header,
      align: header ? 'left' : c.align,
    });
    x += c.width;
  });
}

/**
 * A printable 明細書 of one year's 医療費通知情報 for the 医療費控除 return: one row per レセプト with the six items
 * (被保険者等の氏名, 療養を受けた年月, 療養を受けた者, 医療機関等の名称, 支払った医療費の額 = 窓口相当負担額, 保険者等の名称) and
 * the year's total. A printout used on paper means keeping the receipts for 5 years (documents-and-screens.md §3.1
 * [N2]); the page says so.
 */
export async function renderExpenseStatement(
  notice: MedicalExpenseNotice,
  person: { nameKanji: string },
  createdAt: Date,
): Promise<Buffer> {
  const fonts = await loadFonts();
  const doc = createPdf(fonts, {
    title: EXPENSE_STATEMENT_TITLE,
    subject: `${String(notice.year)}年分 医療費通知情報`,
    author: 'Onshi',
    createdAt,
  });
  const pages = Math.max(1, Math.ceil(notice.lines.length / ROWS_PER_PAGE));
  for (let p = 0; p < pages; p += 1) {
    doc.addPage({ size: 'A4', margin: 0 });
    let y = 15 * MM;
    y = paragraph(doc, EXPENSE_STATEMENT_TITLE, LEFT, y, RIGHT - LEFT, { size: 16, bold: true });
    y = paragraph(
      doc,
      `${String(notice.year)}年分（1月〜12月診療分） 被保険者等の氏名: ${person.nameKanji}  取得日: ${notice.asOf}  ${String(p + 1)}/${String(pages)}ページ`,
      LEFT,
      y + 2 * MM,
      RIGHT - LEFT,
      { size: 9 },
    );
    y += 4 * MM;
    drawRow(
      doc,
      COLUMNS.map((c) => c.title),
      y,
      true,
    );
    y += ROW_H;
    for (const l of notice.lines.slice(p * ROWS_PER_PAGE, (p + 1) * ROWS_PER_PAGE)) {
      drawRow(
        doc,
        [
          l.monthLabel,
          person.nameKanji,
          l.institutionName,
          l.category,
          l.copayAmount.toLocaleString('ja-JP'),
          l.insurerName,
        ],
        y,
        false,
      );
      y += ROW_H;
    }
    if (p === pages - 1) {
      y = paragraph(
        doc,
        `合計 ${String(notice.lines.length)}件  支払った医療費の額の合計 ${notice.totals.copayAmount.toLocaleString('ja-JP')}円（医療費の総額 ${notice.totals.totalCost.toLocaleString('ja-JP')}円）`,
        LEFT,
        y + 3 * MM,
        RIGHT - LEFT,
        { size: 10, bold: true },
      );
      paragraph(
        doc,
        '※ この明細書を印刷して確定申告に使う場合は、領収書を5年間保存してください。' +
          (notice.pendingMonths.length > 0 ? ` 未反映の診療月: ${notice.pendingMonths.join('、')}。` : ''),
        LEFT,
        y + 3 * MM,
        RIGHT - LEFT,
        { size: 8.5, color: '#333333' },
      );
    }
  }
  return finish(doc);
}
