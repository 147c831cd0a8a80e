import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { formatWareki } from '@onshi/core';
import type { CopayRate } from './types.js';

/**
 * Shared PDF plumbing: the embedded Japanese font, deterministic metadata, text that fits its box, and a vector QR
 * code. pdfkit subsets TrueType fonts itself, so a 5 MB Noto Sans JP becomes a few KB per document
 * (stack-notes.md, PDF in Japanese).
 */

export type Pdf = PDFKit.PDFDocument;

/** 1 mm in PDF points. */
export const MM = 72 / 25.4;

/** The regular and bold TrueType files of Noto Sans JP (OFL), read once per process. */
export interface JapaneseFonts {
  regular: Buffer;
  bold: Buffer;
}

export const FONT = 'NotoSansJP';
export const FONT_BOLD = 'NotoSansJP-Bold';

const require = createRequire(import.meta.url);
let fontsLoading: Promise<JapaneseFonts> | undefined;

/** Loads the TTFs of `@expo-google-fonts/noto-sans-jp` once; later calls share the same buffers. */
export function loadFonts(): Promise<JapaneseFonts> {
  fontsLoading ??= Promise.all([
    readFile(require.resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf')),
    readFile(require.resolve('@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf')),
  ]).then(([regular, bold]) => ({ regular, bold }));
  return fontsLoading;
}

/** What goes into the PDF Info dictionary. `createdAt` is given, never read from the clock. */
export interface PdfMeta {
  title: string;
  subject: string;
  author: string;
  createdAt: Date;
}

/**
 * A4 document with the Japanese fonts registered and fixed metadata. With CreationDate fixed, pdfkit's file ID
 * (an MD5 of the Info dictionary) is fixed too, so the same data gives the same bytes.
 */
export function createPdf(fonts: JapaneseFonts, meta: PdfMeta): Pdf {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    lang: 'ja-JP',
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: meta.title,
      Subject: meta.subject,
      Author: meta.author,
      Creator: 'Onshi',
      Producer: 'Onshi (PDFKit)',
      CreationDate: meta.createdAt,
      ModDate: meta.createdAt,
    },
  });
  doc.registerFont(FONT, fonts.regular);
  doc.registerFont(FONT_BOLD, fonts.bold);
  return doc;
}

/** Ends the document and collects its bytes. */
export function finish(doc: Pdf): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on('error', reject);
    doc.end();
  });
}

/** Default creation date: midnight in Japan on the issue date, so the metadata never depends on when we ran. */
export function midnightInJapan(date: string): Date {
  return new Date(`${date}T00:00:00+09:00`);
}

/** 和暦, long style: 令和6年12月2日. */
export function wareki(date: string): string {
  return formatWareki(date, 'long');
}

/** 0.3 → 「3割」. */
export function rateLabel(rate: CopayRate): string {
  return `${Math.round(rate * 10)}割`;
}

/** Options of `fitText`. */
export interface FitOptions {
  size: number;
  /** Smallest size the text may shrink to before it is cut with an ellipsis. */
  minSize?: number;
  bold?: boolean;
  align?: 'left' | 'center' | 'right';
  color?: string;
}

/**
 * Draws one line inside `width`, shrinking the type down to `minSize` (so a long 保険者名称 stays whole) and only
 * then cutting with "…". `y` is the top of the line box.
 */
export function fitText(doc: Pdf, text: string, x: number, y: number, width: number, options: FitOptions): void {
  const minSize = options.minSize ?? Math.min(options.size, 6.5);
  doc.font(options.bold === true ? FONT_BOLD : FONT);
  let size = options.size;
  doc.fontSize(size);
  while (size > minSize && doc.widthOfString(text) > width) {
    size = Math.max(minSize, size - 0.25);
    doc.fontSize(size);
  }
  let shown = text;
  if (doc.widthOfString(shown) > width) {
    const chars = Array.from(text);
    while (chars.length > 1 && doc.widthOfString(`${chars.join('')}…`) > width) {
      chars.pop();
    }
    shown = `${chars.join('')}…`;
  }
  // Keep the baseline where the requested size would put it, so shrunk text does not float up.
  const dy = (options.size - size) * 0.6;
  doc.fillColor(options.color ?? '#000000');
  doc.text(shown, x, y + dy, { width, align: options.align ?? 'left', lineBreak: false });
}

/** Options of `paragraph`. */
export interface ParagraphOptions {
  size: number;
  bold?: boolean;
  color?: string;
  lineGap?: number;
  align?: 'left' | 'center' | 'right' | 'justify';
}

/** Wrapped text; returns the y just below it. pdfkit breaks Japanese lines between characters (UAX #14). */
export function paragraph(
  doc: Pdf,
  text: string,
  x: number,
  y: number,
  width: number,
  options: ParagraphOptions,
): number {
  doc.font(options.bold === true ? FONT_BOLD : FONT).fontSize(options.size);
  doc.fillColor(options.color ?? '#000000');
  const lineGap = options.lineGap ?? 1.5;
  doc.text(text, x, y, { width, lineGap, align: options.align ?? 'left' });
  return y + doc.heightOfString(text, { width, lineGap });
}

/**
 * A QR code drawn as vector squares (sharp at any zoom, no raster image). Error correction M, quiet zone left to
 * the caller's layout (keep 4 modules of white around it).
 */
export function drawQr(doc: Pdf, payload: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  doc.save();
  doc.fillColor('#000000');
  for (let row = 0; row < n; row += 1) {
    let run = 0;
    for (let col = 0; col <= n; col += 1) {
      const dark = col < n && qr.modules.get(row, col) === 1;
      if (dark) {
        run += 1;
        continue;
      }
      if (run > 0) {
        // One rectangle per horizontal run of dark modules keeps the content stream small.
        doc.rect(x + (col - run) * cell, y + row * cell, run * cell, cell);
        run = 0;
      }
    }
  }
  doc.fill();
  doc.restore();
}

/** A dashed line (cut line). */
export function dashedLine(doc: Pdf, x1: number, y1: number, x2: number, y2: number, color = '#555555'): void {
  doc.save();
  doc.lineWidth(0.6).dash(4, { space: 3 }).strokeColor(color);
  doc.moveTo(x1, y1).lineTo(x2, y2).stroke();
  doc.undash();
  doc.restore();
}

/** Mixes a '#rrggbb' colour with white: `amount` 0 = white, 1 = the colour itself. */
export function tint(color: string, amount: number): string {
  const channel = (offset: number): string => {
    const value = Number.parseInt(color.slice(offset, offset + 2), 16);
    const mixed = Math.round(255 - (255 - value) * amount);
    return mixed.toString(16).padStart(2, '0');
  };
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

/** Black or white text, whichever reads better on `color` (WCAG relative luminance). */
export function textColorOn(color: string): string {
  const linear = (offset: number): number => {
    const c = Number.parseInt(color.slice(offset, offset + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * linear(1) + 0.7152 * linear(3) + 0.0722 * linear(5);
  return luminance > 0.35 ? '#000000' : '#ffffff';
}
