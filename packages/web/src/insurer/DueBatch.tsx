import { useState } from 'react';
import { addDays, addYears } from '@onshi/core';
import { call, download, type Bilingual } from '../api.js';
import { bi, useLang } from '../i18n.js';
import { documentKindLabel, documentProblemLabel, memberKeyText, pdfName } from './format.js';
import { messageOf } from './session.js';
import type { DueRun } from './types.js';

/*
 * "Documents due on date D" (issue 9; docs/api-insurer.md "due-runs"): the rules of @onshi/core `documentsDue` decide,
 * per member, whether a 資格確認書 or a 資格情報のお知らせ is due; what a member already holds is not issued again.
 * The result lists one PDF per member, and one combined PDF for the print room.
 */

export function DueBatch({
  token,
  today,
  onOpen,
}: {
  token: string;
  today: string;
  onOpen: (memberId: string) => void;
}) {
  const { t } = useLang();
  const [date, setDate] = useState(today);
  const [validTo, setValidTo] = useState(addDays(addYears(today, 1), -1));
  const [run, setRun] = useState<DueRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Bilingual | null>(null);

  const start = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setRun(
        await call<DueRun>(token, 'POST', '/insurer/v1/documents/due-runs', { date, certificateValidTo: validTo }),
      );
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const save = (path: string, name: string): void => {
    download(token, path, name).catch((e: unknown) => {
      setError(messageOf(e));
    });
  };

  return (
    <section className="panel-section" data-section="due" aria-labelledby="h-due">
      <h2 id="h-due">{t(bi('送付対象の書類を一括発行', 'Issue the documents due'))}</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label>
          <span>{t(bi('基準日', 'Due on'))}</span>
          <input
            type="date"
            name="date"
            value={date}
            onChange={(e) => {
              setDate(e.target.value);
            }}
          />
        </label>
        <label>
          <span>{t(bi('資格確認書の有効期限', 'Certificates valid to'))}</span>
          <input
            type="date"
            name="certificateValidTo"
            value={validTo}
            onChange={(e) => {
              setValidTo(e.target.value);
            }}
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t(bi('一括発行する', 'Issue'))}
        </button>
      </form>
      {error !== null ? (
        <p className="banner" role="alert">
          {t(error)}
        </p>
      ) : null}
      {run !== null ? (
        <div role="status" data-due-run={run.date}>
          <dl className="facts">
            <dt>{t(bi('対象者', 'Members considered'))}</dt>
            <dd data-count="considered">{run.considered}</dd>
            <dt>{t(documentKindLabel('eligibilityCertificate'))}</dt>
            <dd data-count="eligibilityCertificate">{run.issued.eligibilityCertificate}</dd>
            <dt>{t(documentKindLabel('qualificationNotice'))}</dt>
            <dd data-count="qualificationNotice">{run.issued.qualificationNotice}</dd>
            <dt>{t(bi('発行済み（再発行なし）', 'Already covered'))}</dt>
            <dd>{run.alreadyCovered}</dd>
            <dt>{t(bi('発行不要', 'Nothing due'))}</dt>
            <dd>{run.nothingDue}</dd>
            <dt>{t(bi('発行できなかった', 'Could not issue'))}</dt>
            <dd data-count="problems">{run.problems.length}</dd>
          </dl>
          {run.problems.length > 0 ? (
            <table className="grid" data-table="due-problems">
              <caption>{t(bi('発行できなかった加入者', 'Members whose document could not be issued'))}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(bi('理由', 'Reason'))}</th>
                  <th scope="col">{t(bi('加入者', 'Member'))}</th>
                </tr>
              </thead>
              <tbody>
                {run.problems.map((p) => (
                  <tr key={p.memberId} data-problem={p.code}>
                    <td>{t(documentProblemLabel(p.code))}</td>
                    <td>
                      <button
                        type="button"
                        className="link"
                        onClick={() => {
                          onOpen(p.memberId);
                        }}
                      >
                        {t(bi('加入者を開く', 'Open member'))} <small>{p.memberId.slice(0, 8)}</small>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {run.documents.length > 0 ? (
            <>
              <button
                type="button"
                onClick={() => {
                  save(run.combinedPdf, `documents-${run.date}.pdf`);
                }}
              >
                {t(bi('まとめてPDF（印刷用）', 'All in one PDF (for printing)'))}
              </button>
              <table className="grid" data-table="due-documents">
                <thead>
                  <tr>
                    <th scope="col">{t(bi('氏名', 'Name'))}</th>
                    <th scope="col">{t(bi('記号・番号（枝番）', 'Symbol, number (branch)'))}</th>
                    <th scope="col">{t(bi('書類', 'Document'))}</th>
                    <th scope="col">PDF</th>
                  </tr>
                </thead>
                <tbody>
                  {run.documents.map((d) => (
                    <tr key={d.documentId} data-document={d.documentId}>
                      <td>{d.printed.nameKanji}</td>
                      <td>{memberKeyText(d.printed)}</td>
                      <td>{t(documentKindLabel(d.kind))}</td>
                      <td>
                        <button
                          type="button"
                          onClick={() => {
                            save(d.pdf, pdfName(d.kind, d.documentId));
                          }}
                        >
                          {t(bi('PDFを開く', 'Open PDF'))}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <p>{t(bi('この日に発行する書類はありません。', 'Nothing is due on this date.'))}</p>
          )}
        </div>
      ) : null}
    </section>
  );
}
