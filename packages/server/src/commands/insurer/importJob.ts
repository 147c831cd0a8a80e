import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, appErrorEntry } from '../../http/errors.js';
import type { ServerContext } from '../../context.js';
import { type InsurerDeps, type InsurerPrincipal, insurerOf, sameInsurer } from './access.js';
import type { EncodingChoice } from './import/encoding.js';
import { ImportError, importMembers } from './import/importMembers.js';

/**
 * The member CSV import over HTTP (issue 9, insurer console): the very import `onshi import members` runs
 * (commands/insurer/import, decision 0120) — all rows or none, the same reject report — with its progress reported
 * as it goes. The uploaded file and the reject report live in a temporary folder of this process; the last
 * `KEPT_JOBS` imports per server are kept so their reports can be downloaded (decision 0121).
 */

/** The console's import errors. */
export const IMPORT_JOB_ERRORS = {
  unknownImport: appErrorEntry(
    'ONSHI-E-INSURER-UNKNOWN-IMPORT',
    404,
    '該当する取込が見つかりません（サーバーの再起動で古い取込の記録は消えます）。',
    'No such import (imports are forgotten when the server restarts).',
    'The import id is unknown to this server process, or belongs to another insurer.',
  ),
  noRejectReport: appErrorEntry(
    'ONSHI-E-INSURER-NO-REJECT-REPORT',
    404,
    'この取込には不備一覧がありません（すべての行が取り込まれました）。',
    'This import has no reject report (every row was imported).',
    'Only an import that was refused (committed: false) has a reject report.',
  ),
  uploadTooLarge: appErrorEntry(
    'ONSHI-E-INSURER-UPLOAD-TOO-LARGE',
    413,
    'ファイルが大きすぎます。分割して取り込んでください。',
    'The file is too large; split it and import the parts.',
    'A member CSV upload is limited to MAX_UPLOAD_BYTES; the CLI (onshi import members) has no limit.',
  ),
};

const internalMessage = { ja: '取込中にエラーが発生しました。', en: 'The import failed.' };

/** The largest member CSV accepted over HTTP (about a million rows). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** How many finished imports a server keeps (with their reject reports). */
export const KEPT_JOBS = 50;

/** Progress of a running import, as the console's progress bar shows it. */
export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
  rejects: number;
}

/** An import as the console sees it. */
export interface ImportJobView {
  importId: string;
  insurerNumber: string;
  startedAt: string;
  state: 'running' | 'done' | 'failed';
  progress: ImportProgress;
  /** True when every row was written; false when the file was refused (then `rejectReport` is set). */
  committed: boolean | null;
  encoding: 'utf8' | 'sjis' | null;
  rows: number;
  persons: number;
  qualifications: number;
  rejects: number;
  /** GET this path for the reject report (CSV), when there is one. */
  rejectReport: string | null;
  /** Why the import could not start (state `failed`). */
  error: { code: string; message: { ja: string; en: string } } | null;
}

interface Job {
  view: ImportJobView;
  dir: string;
  rejectsPath: string | null;
}

/** The imports of one server (one context). */
class ImportJobs {
  private readonly jobs = new Map<string, Job>();
  private root: Promise<string> | null = null;

  folder(): Promise<string> {
    this.root ??= mkdtemp(join(tmpdir(), 'onshi-imports-'));
    return this.root;
  }

  add(job: Job): void {
    this.jobs.set(job.view.importId, job);
    for (const [id, old] of this.jobs) {
      if (this.jobs.size <= KEPT_JOBS) {
        break;
      }
      if (old.view.state !== 'running') {
        this.jobs.delete(id);
        void rm(old.dir, { recursive: true, force: true });
      }
    }
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }
}

const registry = new WeakMap<ServerContext, ImportJobs>();

function jobsOf(ctx: ServerContext): ImportJobs {
  let jobs = registry.get(ctx);
  if (jobs === undefined) {
    jobs = new ImportJobs();
    registry.set(ctx, jobs);
  }
  return jobs;
}

/** The path where the console downloads an import's reject report. */
export function rejectReportPath(importId: string): string {
  return `/insurer/v1/member-imports/${importId}/rejects.csv`;
}

/** A fresh folder for one upload; the route streams the request body into `file`. */
export async function prepareUpload(ctx: ServerContext): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(await jobsOf(ctx).folder(), 'job-'));
  return { dir, file: join(dir, 'members.csv') };
}

/**
 * Runs the import of an uploaded file for the principal's insurer. `onProgress` is called as rows are checked
 * (every `progressEveryRows`), and the finished view is returned; an import that cannot start (unknown insurer,
 * unreadable file) ends in state `failed` with its coded error rather than throwing.
 */
export async function runMemberImport(
  deps: InsurerDeps,
  principal: InsurerPrincipal,
  upload: { dir: string; file: string; encoding: EncodingChoice; progressEveryRows?: number },
  onProgress: (view: ImportJobView) => void,
): Promise<ImportJobView> {
  const insurer = await insurerOf(deps.ctx.store, principal);
  const importId = randomUUID();
  const rejectsPath = join(upload.dir, 'rejects.csv');
  const job: Job = {
    dir: upload.dir,
    rejectsPath: null,
    view: {
      importId,
      insurerNumber: insurer.insurerNumber,
      startedAt: deps.ctx.clock.now().toISOString(),
      state: 'running',
      progress: { bytes: 0, totalBytes: 0, rows: 0, rejects: 0 },
      committed: null,
      encoding: null,
      rows: 0,
      persons: 0,
      qualifications: 0,
      rejects: 0,
      rejectReport: null,
      error: null,
    },
  };
  jobsOf(deps.ctx).add(job);
  try {
    const result = await importMembers(deps.ctx, {
      insurerNumber: insurer.insurerNumber,
      file: upload.file,
      encoding: upload.encoding,
      rejectsPath,
      audit: deps.audit,
      progressEveryRows: upload.progressEveryRows ?? 500,
      onProgress: (progress) => {
        job.view.progress = { ...progress };
        onProgress({ ...job.view });
      },
    });
    job.rejectsPath = result.rejectsPath;
    job.view = {
      ...job.view,
      state: 'done',
      committed: result.committed,
      encoding: result.encoding,
      rows: result.rows,
      persons: result.persons,
      qualifications: result.qualifications,
      rejects: result.rejects,
      rejectReport: result.rejectsPath === null ? null : rejectReportPath(importId),
    };
  } catch (error) {
    if (!(error instanceof ImportError)) {
      job.view = { ...job.view, state: 'failed', error: { code: 'IMPORT_INTERNAL', message: internalMessage } };
      throw error;
    }
    job.view = {
      ...job.view,
      state: 'failed',
      error: { code: error.code, message: { ja: error.messageJa, en: error.message } },
    };
  } finally {
    await rm(upload.file, { force: true });
  }
  return { ...job.view };
}

/** One of the principal's imports; another insurer's import is as unknown as a missing one. */
export function importJob(ctx: ServerContext, principal: InsurerPrincipal, importId: string): ImportJobView {
  const job = jobsOf(ctx).get(importId);
  if (job === undefined || !sameInsurer(job.view.insurerNumber, principal.insurerNumber)) {
    throw new AppError(IMPORT_JOB_ERRORS.unknownImport);
  }
  return { ...job.view };
}

/** Where the reject report of one of the principal's refused imports is. */
export function rejectReportFile(ctx: ServerContext, principal: InsurerPrincipal, importId: string): string {
  importJob(ctx, principal, importId);
  const path = jobsOf(ctx).get(importId)?.rejectsPath ?? null;
  if (path === null) {
    throw new AppError(IMPORT_JOB_ERRORS.noRejectReport);
  }
  return path;
}
