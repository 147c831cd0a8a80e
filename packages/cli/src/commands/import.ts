import type { Command } from 'commander';
import { defaultDb, openContext } from '../context.js';
import type { EncodingChoice } from '../import/encoding.js';
import { ImportError, importMembers } from '../import/importMembers.js';
import { progressBar } from '../seed/progress.js';

interface ImportMembersCommandOptions {
  insurer: string;
  db: string;
  encoding: string;
  rejects?: string;
}

function encodingChoice(text: string): EncodingChoice {
  if (text === 'utf8' || text === 'sjis' || text === 'auto') {
    return text;
  }
  throw new Error(`--encoding must be utf8, sjis or auto, got ${text}`);
}

/**
 * `onshi import members`: a member CSV for one insurer, all rows or none (docs/import-format.md). Exit code 0 when
 * committed, 1 when any row was refused (nothing written; see the reject report), 2 when the import could not start.
 */
export function registerImport(program: Command): void {
  const group = program.command('import').description('bulk imports (all-or-nothing)');
  group
    .command('members')
    .description('資格取得 for every row of a member CSV (UTF-8 or Shift_JIS), or none (docs/import-format.md)')
    .argument('<file>', 'the CSV file')
    .requiredOption('--insurer <insurerNumber>', '保険者番号 the members join')
    .option('--db <path|url>', 'SQLite file or postgres:// URL', defaultDb())
    .option('--encoding <utf8|sjis|auto>', 'file encoding', 'auto')
    .option('--rejects <path>', 'reject report path (default <file>.rejects.csv)')
    .action(async (file: string, opts: ImportMembersCommandOptions) => {
      const encoding = encodingChoice(opts.encoding);
      const ctx = await openContext(opts.db);
      const bar = progressBar(100, '%', ' | {rows} rows');
      try {
        const started = performance.now();
        const result = await importMembers(ctx, {
          insurerNumber: opts.insurer,
          file,
          encoding,
          ...(opts.rejects === undefined ? {} : { rejectsPath: opts.rejects }),
          onProgress: (p) => {
            bar.update(p.totalBytes === 0 ? 100 : Math.floor((p.bytes / p.totalBytes) * 100), { rows: p.rows });
            if (!process.stderr.isTTY) {
              // Logs and supervising processes (and the kill -9 test) see progress without a terminal.
              console.error(`import: ${String(p.rows)} rows read, ${String(p.rejects)} rejects`);
            }
          },
        }).finally(() => {
          bar.stop();
        });
        const seconds = (performance.now() - started) / 1000;
        if (result.committed) {
          console.log(
            `imported ${String(result.rows)} rows (${result.encoding}) in ${seconds.toFixed(1)} s: ` +
              `${String(result.persons)} new persons, ${String(result.qualifications)} qualifications ` +
              `(${String(Math.round(result.rows / Math.max(seconds, 0.001)))} rows/s)`,
          );
          return;
        }
        console.error(
          `nothing imported: ${String(result.rejects)} rejects in ${String(result.rows)} rows — ` +
            `see ${result.rejectsPath ?? '(no report)'} / 取り込みませんでした。不備の一覧を確認してください。`,
        );
        process.exitCode = 1;
      } catch (error) {
        if (error instanceof ImportError) {
          console.error(`${error.code}: ${error.messageJa} / ${error.message}`);
          process.exitCode = 2;
          return;
        }
        throw error;
      } finally {
        await ctx.store.close();
      }
    });
}
