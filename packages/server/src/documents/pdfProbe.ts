import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Test-side reading of rendered PDFs with poppler-utils and zbar (Debian packages named in stack-notes.md): the
 * tests check what a reader of the document would see, not what our code thinks it drew. Used by the tests only.
 */

const run = promisify(execFile);

/** A PDF written to its own temporary folder; `dispose` removes the folder. */
export interface ProbedPdf {
  path: string;
  dir: string;
  dispose: () => Promise<void>;
}

/** Writes the bytes to a fresh temporary folder so the poppler tools can read them. */
export async function probe(pdf: Buffer): Promise<ProbedPdf> {
  const dir = await mkdtemp(join(tmpdir(), 'onshi-documents-'));
  const path = join(dir, 'document.pdf');
  await writeFile(path, pdf);
  return { path, dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A rectangle of the page in PDF points from the top left. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Text as `pdftotext` extracts it (reading order, UTF-8), of one page or one region of it. */
export async function extractText(file: ProbedPdf, page?: number, region?: Region): Promise<string> {
  const args = ['-enc', 'UTF-8'];
  if (page !== undefined) {
    args.push('-f', String(page), '-l', String(page));
  }
  if (region !== undefined) {
    const box = [region.x, region.y, region.width, region.height].map((n) => String(Math.round(n)));
    args.push('-r', '72', '-x', box[0] ?? '0', '-y', box[1] ?? '0', '-W', box[2] ?? '0', '-H', box[3] ?? '0');
  }
  const { stdout } = await run('pdftotext', [...args, file.path, '-']);
  return stdout;
}

/** One row of `pdffonts`: name, type and whether it is embedded and subset. */
export interface PdfFontRow {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
}

/** Fonts the PDF uses, from `pdffonts`. */
export async function listFonts(file: ProbedPdf): Promise<PdfFontRow[]> {
  const { stdout } = await run('pdffonts', [file.path]);
  const rows = stdout
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '');
  return rows.map((line) => {
    // name type... encoding emb sub uni object ID — the three yes/no columns sit before the object number.
    const cells = line.trim().split(/\s+/u);
    const n = cells.length;
    return {
      name: cells[0] ?? '',
      type: cells.slice(1, n - 6).join(' '),
      embedded: cells[n - 5] === 'yes',
      subset: cells[n - 4] === 'yes',
    };
  });
}

/** The Info dictionary and page facts from `pdfinfo`, as key → value. */
export async function pdfInfo(file: ProbedPdf): Promise<Map<string, string>> {
  const { stdout } = await run('pdfinfo', ['-isodates', file.path]);
  const info = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) {
      info.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
  }
  return info;
}

/** Rasterises one page (`pdftoppm`) and decodes every QR code on it (`zbarimg`); returns their payloads. */
export async function decodeQrCodes(file: ProbedPdf, page = 1, dpi = 200): Promise<string[]> {
  const prefix = join(file.dir, `page${page}`);
  await run('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-png', file.path, prefix]);
  const images = (await readdir(file.dir)).filter((name) => name.startsWith(`page${page}`) && name.endsWith('.png'));
  const image = images[0];
  if (image === undefined) {
    throw new Error('pdftoppm wrote no image');
  }
  try {
    const { stdout } = await run('zbarimg', ['--quiet', '--raw', '-Sqrcode.enable', join(file.dir, image)]);
    return stdout.split('\n').filter((line) => line !== '');
  } catch (error) {
    // zbarimg exits 4 when it finds no symbol.
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 4) {
      return [];
    }
    throw error;
  }
}

/** Collapses runs of white space so assertions do not depend on pdftotext's column guesses. */
export function squash(text: string): string {
  return text.replace(/[ \t\u3000]+/gu, ' ');
}

/**
 * The colour of the page at (x, y) in PDF points from the top left, read from a `pdftoppm` PPM raster, as
 * '#rrggbb'. Lets a test check a printed colour without an image library.
 */
export async function colorAt(file: ProbedPdf, x: number, y: number, page = 1, dpi = 72): Promise<string> {
  const prefix = join(file.dir, `color${page}`);
  await run('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', file.path, prefix]);
  const ppm = await readFile(`${prefix}.ppm`);
  // P6 header: magic, width, height, maxval, each followed by white space.
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/u.exec(ppm.subarray(0, 64).toString('latin1'));
  if (header === null) {
    throw new Error('not a binary PPM');
  }
  const width = Number(header[1]);
  const offset = header[0].length;
  const px = Math.round((x * dpi) / 72);
  const py = Math.round((y * dpi) / 72);
  const at = offset + (py * width + px) * 3;
  const hex = (i: number): string => (ppm[at + i] ?? 0).toString(16).padStart(2, '0');
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}
