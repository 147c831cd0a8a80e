import { useState } from 'react';
import { download, type Bilingual } from '../api.js';
import { bi, useLang } from '../i18n.js';
import { importMembersCsv, messageOf } from './session.js';
import type { ImportLine } from './types.js';

/*
 * 加入者一括取込 (issue 9): the member CSV of docs/import-format.md, all rows or none. The server streams progress
 * lines while it checks the rows (decision 0121); a refused file leaves nothing written and offers its reject report
 * (行, 列, コード, メッセージ) for download.
 */

type Encoding = 'auto' | 'utf8' | 'sjis';

export function ImportPanel({ token }: { token: string }) {
  const { t } = useLang();
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState<Encoding>('auto');
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<{ value: number; max: number; rows: number } | null>(null);
  const [result, setResult] = useState<ImportLine | null>(null);
  const [error, setError] = useState<Bilingual | null>(null);

  const start = async (chosen: File): Promise<void> => {
    setRunning(true);
    setResult(null);
    setError(null);
    setProgress({ value: 0, max: chosen.size, rows: 0 });
    try {
      await importMembersCsv(token, chosen, encoding, (line) => {
        if (line.progress !== undefined) {
          const p = line.progress;
          setProgress({ value: line.type === 'done' ? p.totalBytes : p.bytes, max: p.totalBytes, rows: p.rows });
        }
        if (line.type === 'done') {
          setResult(line);
        } else if (line.type === 'error' && line.error) {
          setError(line.error.message);
        }
      });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setRunning(false);
    }
  };

  const percent = progress === null || progress.max === 0 ? 0 : Math.round((progress.value / progress.max) * 100);
  const report = result?.rejectReport ?? null;
  return (
    <section className="panel-section" data-section="import" aria-labelledby="h-import">
      <h2 id="h-import">{t(bi('加入者一括取込（CSV）', 'Member import (CSV)'))}</h2>
      <p className="hint">
        {t(
          bi(
            '1行でも不備があれば何も登録しません。不備一覧を確認して、ファイルを直してからもう一度取り込んでください。',
            'If any row is wrong nothing is written: read the reject report, fix the file and import it again.',
          ),
        )}
      </p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (file !== null) {
            void start(file);
          }
        }}
      >
        <label>
          <span>{t(bi('CSVファイル', 'CSV file'))}</span>
          <input
            type="file"
            name="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
            }}
          />
        </label>
        <label>
          <span>{t(bi('文字コード', 'Encoding'))}</span>
          <select
            name="encoding"
            value={encoding}
            onChange={(e) => {
              const v = e.target.value;
              setEncoding(v === 'utf8' || v === 'sjis' ? v : 'auto');
            }}
          >
            <option value="auto">{t(bi('自動判定', 'Detect'))}</option>
            <option value="utf8">UTF-8</option>
            <option value="sjis">Shift_JIS</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={running || file === null}>
          {t(bi('取り込む', 'Import'))}
        </button>
      </form>
      {progress !== null ? (
        <div className="progress-line">
          <label htmlFor="import-progress">
            {running ? t(bi('取込中', 'Importing')) : t(bi('完了', 'Finished'))} — {progress.rows} {t(bi('行', 'rows'))}
          </label>
          <progress id="import-progress" value={percent} max={100} data-percent={percent}>
            {percent}%
          </progress>
        </div>
      ) : null}
      {error !== null ? (
        <p className="banner" role="alert">
          {t(error)}
        </p>
      ) : null}
      {result !== null ? (
        <div role="status" data-result={result.committed === true ? 'committed' : 'refused'}>
          {result.committed === true ? (
            <p className="outcome ok">
              {t(
                bi(
                  `${String(result.rows ?? 0)}行をすべて取り込みました（加入者 ${String(result.qualifications ?? 0)}件）。`,
                  `All ${String(result.rows ?? 0)} rows were imported (${String(result.qualifications ?? 0)} members).`,
                ),
              )}
            </p>
          ) : result.state === 'failed' && result.error ? (
            <p className="outcome refused">{t(result.error.message)}</p>
          ) : (
            <p className="outcome refused">
              {t(
                bi(
                  `不備が${String(result.rejects ?? 0)}件あったため、何も登録していません（${String(result.rows ?? 0)}行）。`,
                  `${String(result.rejects ?? 0)} problems found, so nothing was written (${String(result.rows ?? 0)} rows).`,
                ),
              )}
            </p>
          )}
          {report !== null ? (
            <button
              type="button"
              data-action="reject-report"
              onClick={() => {
                download(token, report, `rejects-${result.importId ?? 'import'}.csv`).catch((e: unknown) => {
                  setError(messageOf(e));
                });
              }}
            >
              {t(bi('不備一覧をダウンロード（CSV）', 'Download the reject report (CSV)'))}
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
