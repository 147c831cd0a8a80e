import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drawEligibilityCertificate, ELIGIBILITY_CERTIFICATE_TITLE } from './eligibilityCertificate.js';
import { createPdf, finish, loadFonts, midnightInJapan } from './pdf.js';
import { drawQualificationNotice, QUALIFICATION_NOTICE_TITLE } from './qualificationNotice.js';
import type { DocumentRequest } from './types.js';
import { DocumentDataError, validateRequest } from './validate.js';

/**
 * Batch output for an insurer's 「documents due on date D」 run (issue 4): either one PDF holding every member's
 * pages, or one PDF per member produced one at a time, so a run over many members never holds them all in memory.
 */

/** Options of `renderBatch`. */
export interface BatchOptions {
  title?: string;
  /** PDF creation date; defaults to the first document's, so the output never depends on the clock. */
  createdAt?: Date;
}

function issuedOn(request: DocumentRequest): string {
  return request.data.issuedOn;
}

function createdAtOf(request: DocumentRequest): Date {
  return request.data.createdAt ?? midnightInJapan(issuedOn(request));
}

function titleOf(request: DocumentRequest): string {
  return request.kind === 'qualificationNotice' ? QUALIFICATION_NOTICE_TITLE : ELIGIBILITY_CERTIFICATE_TITLE;
}

/**
 * Every document in one PDF, one page set per member, in the given order. All entries are validated before
 * anything is drawn: one bad entry fails the whole batch with `DocumentDataError` naming its index.
 */
export async function renderBatch(docs: readonly DocumentRequest[], options: BatchOptions = {}): Promise<Buffer> {
  const first = docs[0];
  if (first === undefined) {
    throw new DocumentDataError([
      {
        field: 'docs',
        code: 'DOC_EMPTY_BATCH',
        message: { ja: '出力する帳票がありません', en: 'the batch holds no documents' },
      },
    ]);
  }
  docs.forEach((request, index) => {
    try {
      validateRequest(request);
    } catch (error) {
      if (error instanceof DocumentDataError) {
        throw new DocumentDataError(
          error.issues.map((issue) => ({ ...issue, field: `docs[${index}].${issue.field}` })),
        );
      }
      throw error;
    }
  });
  const fonts = await loadFonts();
  const author = first.data.insurer.name;
  const doc = createPdf(fonts, {
    title: options.title ?? `${titleOf(first)}ほか（${docs.length}件）`,
    subject: `${author} 交付帳票`,
    author,
    createdAt: options.createdAt ?? createdAtOf(first),
  });
  for (const request of docs) {
    drawRequest(doc, request);
  }
  return finish(doc);
}

function drawRequest(doc: PDFKit.PDFDocument, request: DocumentRequest): void {
  switch (request.kind) {
    case 'qualificationNotice':
      drawQualificationNotice(doc, request.data);
      return;
    case 'eligibilityCertificate':
      drawEligibilityCertificate(doc, request.data);
      return;
  }
}

/** One member's PDF as produced by `renderEach`. */
export interface RenderedDocument {
  /** ASCII file name with no personal data: `fileStem.pdf`, or `000001-qualification-notice.pdf`. */
  fileName: string;
  pdf: Buffer;
}

/** Options of `renderEach`. */
export interface RenderEachOptions {
  /**
   * Called for an entry whose data is invalid; the run then goes on with the next entry. Without it the first
   * invalid entry ends the run by throwing `DocumentDataError`.
   */
  onInvalid?: (error: DocumentDataError, index: number, fileName: string) => void;
}

const SLUG: Readonly<Record<DocumentRequest['kind'], string>> = {
  qualificationNotice: 'qualification-notice',
  eligibilityCertificate: 'eligibility-certificate',
};

/** The file name of entry `index` (0-based). Rejects a `fileStem` that could escape a directory or carry kanji. */
export function fileNameFor(request: DocumentRequest, index: number): string {
  if (request.fileStem === undefined) {
    return `${String(index + 1).padStart(6, '0')}-${SLUG[request.kind]}.pdf`;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/u.test(request.fileStem)) {
    throw new DocumentDataError([
      {
        field: 'fileStem',
        code: 'DOC_BAD_FILE_NAME',
        message: {
          ja: 'ファイル名は半角英数字と . _ - で指定してください',
          en: 'a file stem is ASCII letters, digits, dot, underscore and hyphen',
        },
      },
    ]);
  }
  return `${request.fileStem}.pdf`;
}

/**
 * One PDF per member, rendered lazily: the next one is drawn only when the consumer asks for it, so memory stays
 * flat however long the input (an array, a generator, or a database cursor as an AsyncIterable).
 */
export async function* renderEach(
  docs: Iterable<DocumentRequest> | AsyncIterable<DocumentRequest>,
  options: RenderEachOptions = {},
): AsyncGenerator<RenderedDocument> {
  const fonts = await loadFonts();
  let index = 0;
  for await (const request of docs) {
    const current = index;
    index += 1;
    let fileName: string;
    try {
      fileName = fileNameFor(request, current);
      validateRequest(request);
    } catch (error) {
      if (error instanceof DocumentDataError && options.onInvalid !== undefined) {
        options.onInvalid(error, current, request.fileStem ?? SLUG[request.kind]);
        continue;
      }
      throw error;
    }
    const doc = createPdf(fonts, {
      title: titleOf(request),
      subject: `${request.data.insurer.name} ${titleOf(request)}`,
      author: request.data.insurer.name,
      createdAt: createdAtOf(request),
    });
    drawRequest(doc, request);
    yield { fileName, pdf: await finish(doc) };
  }
}

/** What `writeEachToDirectory` did. */
export interface WriteSummary {
  written: number;
  rejected: Array<{ index: number; fileName: string; error: DocumentDataError }>;
}

/**
 * Writes one PDF per member into `directory` (which must exist). Each file appears whole or not at all: it is
 * written under a temporary name and renamed, so a crash never leaves a truncated PDF for the mailing run.
 */
export async function writeEachToDirectory(
  docs: Iterable<DocumentRequest> | AsyncIterable<DocumentRequest>,
  directory: string,
): Promise<WriteSummary> {
  const summary: WriteSummary = { written: 0, rejected: [] };
  const onInvalid = (error: DocumentDataError, index: number, fileName: string): void => {
    summary.rejected.push({ index, fileName, error });
  };
  for await (const { fileName, pdf } of renderEach(docs, { onInvalid })) {
    const target = join(directory, fileName);
    const partial = `${target}.partial`;
    await writeFile(partial, pdf);
    await rename(partial, target);
    summary.written += 1;
  }
  return summary;
}
