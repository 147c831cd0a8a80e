import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileNameFor, renderBatch, renderEach, writeEachToDirectory } from './batch.js';
import { extractText, pdfInfo, probe, squash, type ProbedPdf } from './pdfProbe.js';
import { sampleLateElderlyCertificate, sampleNationalCertificate, sampleQualificationNotice } from './samples.js';
import type { DocumentRequest } from './types.js';
import { DocumentDataError } from './validate.js';

const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((dispose) => dispose()));
});

async function opened(pdf: Buffer): Promise<ProbedPdf> {
  const file = await probe(pdf);
  cleanup.push(file.dispose);
  return file;
}

function requests(): DocumentRequest[] {
  return [
    { kind: 'qualificationNotice', data: sampleQualificationNotice() },
    { kind: 'eligibilityCertificate', data: sampleNationalCertificate() },
    { kind: 'eligibilityCertificate', data: sampleLateElderlyCertificate(), fileStem: 'late-0001' },
  ];
}

describe('batch output for an insurer (issue 4, "Batch output for an insurer")', () => {
  it('puts every member in one PDF, one page set each, in order', async () => {
    const file = await opened(await renderBatch(requests()));
    const info = await pdfInfo(file);
    expect(info.get('Pages')).toBe('3');
    expect(info.get('Title')).toBe('資格情報のお知らせほか（3件）');
    expect(squash(await extractText(file, 1))).toContain('**** **** 6825');
    expect(squash(await extractText(file, 2))).toContain('練馬 花子');
    expect(squash(await extractText(file, 3))).toContain('高齢 一郎');
  });

  it('fails the whole batch, naming the entry, when one entry is bad', async () => {
    const docs = requests();
    docs[1] = { kind: 'eligibilityCertificate', data: { ...sampleNationalCertificate(), color: 'red' } };
    const failure = await renderBatch(docs).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DocumentDataError);
    expect((failure as DocumentDataError).issues[0]?.field).toBe('docs[1].color');
  });

  it('refuses an empty batch', async () => {
    const failure = await renderBatch([]).catch((error: unknown) => error);
    expect((failure as DocumentDataError).issues[0]?.code).toBe('DOC_EMPTY_BATCH');
  });

  it('renders one PDF per member only as the consumer pulls, so a long run never holds them all', async () => {
    let pulled = 0;
    async function* cursor(): AsyncGenerator<DocumentRequest> {
      for (const request of requests()) {
        pulled += 1;
        await Promise.resolve();
        yield request;
      }
    }
    const iterator = renderEach(cursor())[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(pulled).toBe(1);
    expect(first.done).toBe(false);
    const rest: string[] = [];
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      rest.push(next.value.fileName);
      const info = await pdfInfo(await opened(next.value.pdf));
      expect(info.get('Pages')).toBe('1');
    }
    expect(first.value?.fileName).toBe('000001-qualification-notice.pdf');
    expect(rest).toEqual(['000002-eligibility-certificate.pdf', 'late-0001.pdf']);
    expect(pulled).toBe(3);
  });

  it('reports an invalid member and goes on with the next when asked to', async () => {
    const docs = requests();
    docs[0] = { kind: 'qualificationNotice', data: { ...sampleQualificationNotice(), individualNumberLast4: '12' } };
    const skipped: number[] = [];
    const names: string[] = [];
    for await (const { fileName } of renderEach(docs, { onInvalid: (_error, index) => skipped.push(index) })) {
      names.push(fileName);
    }
    expect(skipped).toEqual([0]);
    expect(names).toEqual(['000002-eligibility-certificate.pdf', 'late-0001.pdf']);
  });

  it('writes each PDF whole into a directory and lists the rejected entries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onshi-batch-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const docs = requests();
    docs[1] = { kind: 'eligibilityCertificate', data: { ...sampleNationalCertificate(), validTo: '2040-01-01' } };
    const summary = await writeEachToDirectory(docs, dir);
    expect(summary.written).toBe(2);
    expect(summary.rejected.map((entry) => [entry.index, entry.error.issues[0]?.code])).toEqual([
      [1, 'longerThanFiveYears'],
    ]);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['000001-qualification-notice.pdf', 'late-0001.pdf']);
    const bytes = await readFile(join(dir, 'late-0001.pdf'));
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('names files in ASCII without personal data and refuses a file stem that could leave the folder', () => {
    const request: DocumentRequest = { kind: 'qualificationNotice', data: sampleQualificationNotice() };
    expect(fileNameFor(request, 41)).toBe('000042-qualification-notice.pdf');
    expect(() => fileNameFor({ ...request, fileStem: '../etc/passwd' }, 0)).toThrow(DocumentDataError);
    expect(() => fileNameFor({ ...request, fileStem: '協会太郎' }, 0)).toThrow(DocumentDataError);
  });
});
