import { useCallback, useEffect, useState, type SyntheticEvent } from 'react';
import { ApiError, call, streamEvents, type Bilingual } from '../api.js';
import { bi, useLang } from '../i18n.js';
import { LangSwitch } from '../kiosk/Kiosk.js';
import { codeLabel, consentsOf, nothingPresented, ratioLabel, toWire, wireDate } from './format.js';
import type {
  BulkAnswer,
  CheckupAnswer,
  ConfirmationMessage,
  MedicationAnswer,
  MemberKeys,
  QualificationResult,
} from './types.js';

/*
 * The reception console (受付): live reader results, lookup by number with the fallback ladder (rules.md §5), 一括照会,
 * drug / check-up / treatment history inside the 24-hour consent window (rules.md §6.5), and the reader switch.
 * A failed check never blocks reception: every refusal says what the rules allow and what to charge.
 */

interface Institution {
  institutionCode: string;
  name: string;
  readerStatus: 'working' | 'outOfOrder';
}

type Presented =
  'eligibilityCertificate' | 'cardWithQualificationNotice' | 'cardWithPortalScreen' | 'legacyInsuranceCard' | 'nothing';

const PRESENTED: { value: Presented; label: Bilingual }[] = [
  { value: 'eligibilityCertificate', label: bi('資格確認書', 'Eligibility certificate (資格確認書)') },
  {
    value: 'cardWithQualificationNotice',
    label: bi('マイナ保険証＋資格情報のお知らせ', 'Card + qualification notice'),
  },
  {
    value: 'cardWithPortalScreen',
    label: bi('マイナ保険証＋マイナポータルの資格情報画面', 'Card + Mynaportal screen'),
  },
  { value: 'legacyInsuranceCard', label: bi('期限切れの健康保険証', 'Expired paper insurance card') },
  { value: 'nothing', label: bi('何も持っていない', 'Nothing') },
];

function keysOf(r: QualificationResult, birthDate: string): MemberKeys {
  return {
    insurerNumber: (r.insurerNumber ?? '').trim(),
    symbol: r.insuredCardSymbol ?? '',
    number: r.insuredIdentificationNumber ?? '',
    branch: r.insuredBranchNumber ?? '',
    birthDate,
  };
}

function ResultCard({ message, onHistory }: { message: ConfirmationMessage; onHistory?: (k: MemberKeys) => void }) {
  const { t } = useLang();
  const body = message.messageBody;
  const refused = body.processingResultStatus === '2';
  return (
    <article
      className={refused ? 'result-card refused' : 'result-card'}
      data-confirmation={message.confirmationId ?? ''}
    >
      <header>
        <strong>{wireDate(message.messageHeader.processExecutionTime)}</strong>
        <span className="badge">{t(codeLabel('qualificationValidity', body.qualificationValidity))}</span>
      </header>
      {body.processingResultMessage !== undefined ? (
        <p className={refused ? 'warn' : 'info'} data-code={body.processingResultCode ?? ''}>
          {body.processingResultMessage}
        </p>
      ) : null}
      {(body.resultList ?? []).map((r, i) => (
        <div key={i}>
          <dl className="facts">
            <dt>{t(bi('氏名', 'Name'))}</dt>
            <dd>{r.name ?? '—'}</dd>
            <dt>{t(bi('保険者', 'Insurer'))}</dt>
            <dd>
              {r.insurerNumber ?? '—'} {r.insurerName ?? ''}
            </dd>
            <dt>{t(bi('記号・番号・枝番', 'Symbol, number, branch'))}</dt>
            <dd>
              {r.insuredCardSymbol ?? '—'}・{r.insuredIdentificationNumber ?? '—'}・{r.insuredBranchNumber ?? '—'}
            </dd>
            <dt>{t(bi('負担割合', 'Co-pay'))}</dt>
            <dd className="copay">{t(ratioLabel(r.insuredPartialContributionRatio))}</dd>
            <dt>{t(bi('限度額区分', 'High-cost limit'))}</dt>
            <dd>
              {t(
                codeLabel(
                  'limitCategory',
                  r.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlag,
                ),
              )}
            </dd>
            <dt>{t(bi('電子処方箋', 'Prescription'))}</dt>
            <dd>
              {t(codeLabel('prescriptionIssueSelect', r.prescriptionIssueSelect ?? body.prescriptionIssueSelect))}
            </dd>
          </dl>
          <ul className="consents">
            {consentsOf(r).map((c) => (
              <li key={c.item.en} className={c.consented ? 'yes' : 'no'}>
                {t(c.item)}:{' '}
                {c.consented ? `${t(bi('同意あり', 'consented'))} (〜${c.until})` : t(bi('同意なし', 'no consent'))}
              </li>
            ))}
          </ul>
          {onHistory !== undefined && r.birthdate !== undefined ? (
            <button
              type="button"
              onClick={() => {
                onHistory(keysOf(r, wireDate(r.birthdate)));
              }}
            >
              {t(bi('医療情報を見る', 'View medical records'))}
            </button>
          ) : null}
        </div>
      ))}
      <p className="proof">
        {t(bi('確認番号', 'Check id'))}: <code>{message.confirmationId ?? '—'}</code>
        {message.proofOfCheck !== undefined ? (
          <>
            {' '}
            · {t(bi('資格確認の証跡', 'Proof of check'))}:{' '}
            <code className="short">{message.proofOfCheck.slice(0, 24)}…</code>
          </>
        ) : null}
      </p>
    </article>
  );
}

function History({ token, institutionCode, keys }: { token: string; institutionCode: string; keys: MemberKeys }) {
  const { t } = useLang();
  const [drugs, setDrugs] = useState<MedicationAnswer | ApiError | null>(null);
  const [checkups, setCheckups] = useState<CheckupAnswer | ApiError | null>(null);
  const header = {
    medicalInstitutionCode: institutionCode,
    insurerNumber: keys.insurerNumber,
    ...(keys.symbol !== '' ? { insuranceCardSymbol: keys.symbol } : {}),
    insuredPersonIdentificationNumber: keys.number,
    ...(keys.branch !== '' ? { branchNumber: keys.branch } : {}),
  };
  const load = useCallback(async () => {
    const settle = async <T,>(p: Promise<T>): Promise<T | ApiError> =>
      p.catch((e: unknown) =>
        e instanceof ApiError ? e : new ApiError(0, 'NETWORK', bi('通信エラー', 'Network error')),
      );
    setDrugs(
      await settle(
        call<MedicationAnswer>(token, 'POST', '/oqs/v1/medical-info/medications', {
          messageHeader: header,
          messageBody: { fileCategory: '2' },
        }),
      ),
    );
    setCheckups(
      await settle(
        call<CheckupAnswer>(token, 'POST', '/oqs/v1/medical-info/checkups', {
          messageHeader: header,
          messageBody: { fileCategory: '2' },
        }),
      ),
    );
  }, [token, institutionCode, keys.insurerNumber, keys.symbol, keys.number, keys.branch]);
  useEffect(() => {
    void load();
  }, [load]);

  const refusal = (e: ApiError) => (
    <p className={e.code === 'OQS-E-CONSENT-EXPIRED' ? 'state expired' : 'state none'} data-code={e.code}>
      {e.code === 'OQS-E-CONSENT-EXPIRED'
        ? t(
            bi(
              '同意の有効期限（24時間）が切れています。再度カードリーダーでの同意が必要です。',
              'The consent (24 hours) has expired. The patient must consent again at the reader.',
            ),
          )
        : t(e.text)}
    </p>
  );

  return (
    <section className="panel-section" aria-labelledby="history-title" data-section="history">
      <h2 id="history-title">
        {t(bi('医療情報', 'Medical records'))} — {keys.insurerNumber} {keys.symbol}・{keys.number}
      </h2>
      <button type="button" onClick={() => void load()}>
        {t(bi('再読み込み', 'Reload'))}
      </button>
      <div className="two">
        <div data-part="drugs">
          <h3>{t(bi('薬剤・診療', 'Medicines and treatments'))}</h3>
          {drugs === null ? (
            <p>…</p>
          ) : drugs instanceof ApiError ? (
            refusal(drugs)
          ) : (
            <ul className="records">
              {(drugs.messageBody.meTrMonthInf ?? []).flatMap((m, i) =>
                (m.diDateInfs ?? []).flatMap((d, j) => [
                  ...(d.drugInfs ?? []).map((drug, k) => (
                    <li key={`${i}-${j}-d${k}`} data-kind="drug">
                      {wireDate(d.diDate)} {drug.drugN ?? ''} {drug.qua1 ?? ''}
                      {drug.unit ?? ''} <small>{m.meTrDiHNm ?? ''}</small>
                    </li>
                  )),
                  ...(d.meTrInfs ?? []).map((tr, k) => (
                    <li key={`${i}-${j}-t${k}`} data-kind="treatment">
                      {wireDate(d.diDate)} {tr.sinInfN ?? ''}
                    </li>
                  )),
                ]),
              )}
            </ul>
          )}
        </div>
        <div data-part="checkups">
          <h3>{t(bi('特定健診', 'Health check-ups'))}</h3>
          {checkups === null ? (
            <p>…</p>
          ) : checkups instanceof ApiError ? (
            refusal(checkups)
          ) : (
            <ul className="records">
              {(checkups.messageBody.specificHealthCheckupInfo ?? []).flatMap((c, i) =>
                (c.healthCheckupResultAndQuestionInfos ?? []).map((item, k) => (
                  <li key={`${i}-${k}`} data-kind="checkup">
                    {wireDate(c.effectiveTime)} {item.itemName ?? ''}: {item.dataValue ?? ''} {item.unit ?? ''}
                  </li>
                )),
              )}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}

function Lookup({
  token,
  institutionCode,
  today,
  onHistory,
}: {
  token: string;
  institutionCode: string;
  today: string;
  onHistory: (k: MemberKeys) => void;
}) {
  const { t } = useLang();
  const [keys, setKeys] = useState<MemberKeys>({
    insurerNumber: '',
    symbol: '',
    number: '',
    branch: '',
    birthDate: '',
  });
  const [presented, setPresented] = useState<Presented>('eligibilityCertificate');
  const [validUntil, setValidUntil] = useState('');
  const [printedExpiry, setPrintedExpiry] = useState('');
  const [answer, setAnswer] = useState<ConfirmationMessage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [guidance, setGuidance] = useState<Bilingual | null>(null);

  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setAnswer(null);
    setError(null);
    setGuidance(null);
    if (presented === 'nothing') {
      setGuidance(nothingPresented(today, keys.birthDate || undefined).verdict.message);
      return;
    }
    const document =
      presented === 'eligibilityCertificate'
        ? { kind: presented, validUntil }
        : presented === 'legacyInsuranceCard'
          ? { kind: presented, ...(printedExpiry !== '' ? { printedExpiry } : {}) }
          : { kind: presented };
    try {
      setAnswer(
        await call<ConfirmationMessage>(token, 'POST', '/oqs/v1/qualification-confirmations', {
          messageHeader: { medicalInstitutionCode: institutionCode },
          messageBody: {
            qualificationConfirmSearchInfo: {
              insurerNumber: keys.insurerNumber,
              ...(keys.symbol !== '' ? { insuredCardSymbol: keys.symbol } : {}),
              insuredIdentificationNumber: keys.number,
              ...(keys.branch !== '' ? { insuredBranchNumber: keys.branch } : {}),
              birthdate: toWire(keys.birthDate),
            },
          },
          presented: document,
        }),
      );
    } catch (e) {
      setError(e instanceof ApiError ? e : null);
    }
  };

  const refused = answer !== null && answer.messageBody.processingResultStatus === '2';
  const field = (name: keyof MemberKeys, label: Bilingual, props: Record<string, string> = {}) => (
    <label>
      <span>{t(label)}</span>
      <input
        name={name}
        value={keys[name]}
        onChange={(e) => {
          setKeys({ ...keys, [name]: e.target.value });
        }}
        {...props}
      />
    </label>
  );

  return (
    <section className="panel-section" aria-labelledby="lookup-title" data-section="lookup">
      <h2 id="lookup-title">{t(bi('保険者番号・記号・番号で確認', 'Check by insurance number'))}</h2>
      <form onSubmit={(e) => void submit(e)} className="form">
        <label>
          <span>{t(bi('患者さんが提示したもの', 'What the patient showed'))}</span>
          <select
            name="presented"
            value={presented}
            onChange={(e) => {
              setPresented(e.target.value as Presented);
            }}
          >
            {PRESENTED.map((p) => (
              <option key={p.value} value={p.value}>
                {t(p.label)}
              </option>
            ))}
          </select>
        </label>
        {presented === 'nothing' ? null : (
          <>
            {field('insurerNumber', bi('保険者番号', 'Insurer number'), { inputMode: 'numeric', required: 'true' })}
            {field('symbol', bi('記号', 'Symbol'))}
            {field('number', bi('番号', 'Number'), { required: 'true' })}
            {field('branch', bi('枝番', 'Branch'), { inputMode: 'numeric' })}
          </>
        )}
        {field('birthDate', bi('生年月日', 'Birth date'), {
          type: 'date',
          ...(presented === 'nothing' ? {} : { required: 'true' }),
        })}
        {presented === 'eligibilityCertificate' ? (
          <label>
            <span>{t(bi('資格確認書の有効期限', 'Certificate valid until'))}</span>
            <input
              name="validUntil"
              type="date"
              required
              value={validUntil}
              onChange={(e) => {
                setValidUntil(e.target.value);
              }}
            />
          </label>
        ) : null}
        {presented === 'legacyInsuranceCard' ? (
          <label>
            <span>{t(bi('保険証に印字された有効期限', 'Printed expiry'))}</span>
            <input
              name="printedExpiry"
              type="date"
              value={printedExpiry}
              onChange={(e) => {
                setPrintedExpiry(e.target.value);
              }}
            />
          </label>
        ) : null}
        <button type="submit" className="primary">
          {t(bi('確認する', 'Check'))}
        </button>
      </form>
      {error !== null ? (
        <p className="warn" role="alert" data-code={error.code}>
          {t(error.text)}
        </p>
      ) : null}
      {guidance !== null ? (
        <div className="guidance" role="status" data-guidance="declaration">
          <h3>{t(bi('本日の取り扱い', "Today's handling"))}</h3>
          <p>{t(guidance)}</p>
        </div>
      ) : null}
      {answer !== null ? (
        <>
          <ResultCard message={answer} onHistory={onHistory} />
          <div className="guidance" role="status" data-guidance={refused ? 'refused' : 'accepted'}>
            <h3>{t(bi('本日の取り扱い', "Today's handling"))}</h3>
            {refused ? (
              <p>
                {t(
                  bi(
                    'この書類では確認できません。被保険者資格申立書に記入いただき、通常の負担割合で受け付けてください。',
                    'This document cannot be used. Have the patient fill in the qualification declaration (被保険者資格申立書) and charge the normal rate.',
                  ),
                )}{' '}
                {t(nothingPresented(today, keys.birthDate || undefined).verdict.message)}
              </p>
            ) : (
              <p>
                {t(bi('資格を確認しました。請求する負担割合: ', 'Qualification confirmed. Charge the co-pay: '))}
                <strong className="copay">
                  {t(ratioLabel(answer.messageBody.resultList?.[0]?.insuredPartialContributionRatio))}
                </strong>
              </p>
            )}
          </div>
        </>
      ) : null}
    </section>
  );
}

function parseCsv(
  text: string,
): { insurerNumber: string; symbol: string; number: string; branch: string; birth: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^保険者番号|^insurer/i.test(line))
    .map((line) => {
      const [insurerNumber = '', symbol = '', number = '', branch = '', birth = ''] = line
        .split(',')
        .map((c) => c.trim());
      return { insurerNumber, symbol, number, branch, birth: birth.replaceAll('-', '') };
    });
}

function Bulk({ token, institutionCode }: { token: string; institutionCode: string }) {
  const { t } = useLang();
  const [reception, setReception] = useState<string | null>(null);
  const [result, setResult] = useState<BulkAnswer | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const upload = async (file: File): Promise<void> => {
    setError(null);
    setResult(null);
    const rows = parseCsv(await file.text());
    try {
      const answer = await call<BulkAnswer>(token, 'POST', '/oqs/v1/bulk-confirmations', {
        messageHeader: { medicalInstitutionCode: institutionCode },
        messageBody: {
          qualificationConfirmSearchInfo: rows.map((r) => ({
            insurerNumber: r.insurerNumber,
            ...(r.symbol !== '' ? { insuredCardSymbol: r.symbol } : {}),
            insuredIdentificationNumber: r.number,
            ...(r.branch !== '' ? { insuredBranchNumber: r.branch } : {}),
            birthdate: r.birth,
          })),
        },
      });
      setReception(answer.messageBody.receptionNumber ?? null);
    } catch (e) {
      setError(e instanceof ApiError ? e : null);
    }
  };

  const fetchResult = async (): Promise<void> => {
    if (reception === null) {
      return;
    }
    try {
      setResult(await call<BulkAnswer>(token, 'GET', `/oqs/v1/bulk-confirmations/${encodeURIComponent(reception)}`));
    } catch (e) {
      setError(e instanceof ApiError ? e : null);
    }
  };

  return (
    <section className="panel-section" aria-labelledby="bulk-title" data-section="bulk">
      <h2 id="bulk-title">{t(bi('一括照会（明日の予約）', 'Bulk check (tomorrow’s appointments)'))}</h2>
      <p className="hint">
        {t(
          bi(
            'CSV: 保険者番号,記号,番号,枝番,生年月日(YYYY-MM-DD)',
            'CSV: insurer number,symbol,number,branch,birth date (YYYY-MM-DD)',
          ),
        )}
      </p>
      <label className="file">
        <span>{t(bi('CSVファイルを選ぶ', 'Choose a CSV file'))}</span>
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file !== undefined) {
              void upload(file);
            }
          }}
        />
      </label>
      {reception !== null ? (
        <p>
          {t(bi('受付番号', 'Reception number'))}: <code data-reception={reception}>{reception}</code>{' '}
          <button type="button" onClick={() => void fetchResult()}>
            {t(bi('結果を見る', 'Show results'))}
          </button>
        </p>
      ) : null}
      {error !== null ? <p className="warn">{t(error.text)}</p> : null}
      {result !== null && result.messageHeader.segmentOfResult === '2' ? (
        <p className="info">
          {t(bi('処理中です。しばらくしてから再度お試しください。', 'Still processing; try again shortly.'))}
        </p>
      ) : null}
      {result?.messageBody.bulkConfirmUnit !== undefined ? (
        <table className="bulk">
          <thead>
            <tr>
              <th>{t(bi('保険者番号', 'Insurer'))}</th>
              <th>{t(bi('記号・番号', 'Symbol, number'))}</th>
              <th>{t(bi('資格', 'Status'))}</th>
              <th>{t(bi('負担割合', 'Co-pay'))}</th>
            </tr>
          </thead>
          <tbody>
            {result.messageBody.bulkConfirmUnit.map((u, i) => (
              <tr key={i}>
                <td>{u.qualificationConfirmSearchInfo.insurerNumber}</td>
                <td>
                  {u.qualificationConfirmSearchInfo.insuredCardSymbol ?? ''}・
                  {u.qualificationConfirmSearchInfo.insuredIdentificationNumber}
                </td>
                <td>{u.processingResultMessage ?? t(codeLabel('qualificationValidity', u.qualificationValidity))}</td>
                <td>{t(ratioLabel(u.resultOfQualificationConfirmation?.insuredPartialContributionRatio))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** The console of one institution (its credential in `token`). */
export function Reception({ token, institutionCode }: { token: string; institutionCode: string }) {
  const { t } = useLang();
  const [institution, setInstitution] = useState<Institution | null>(null);
  const [feed, setFeed] = useState<ConfirmationMessage[]>([]);
  const [live, setLive] = useState(false);
  const [history, setHistory] = useState<MemberKeys | null>(null);
  const [today, setToday] = useState('');

  const loadInstitution = useCallback(async () => {
    setInstitution(await call<Institution>(token, 'GET', `/oqs/v1/institutions/${institutionCode}`));
    const health = await call<{ time: string }>(token, 'GET', '/healthz');
    setToday(new Date(new Date(health.time).getTime() + 9 * 3_600_000).toISOString().slice(0, 10));
  }, [token, institutionCode]);

  useEffect(() => {
    void loadInstitution();
  }, [loadInstitution]);

  useEffect(() => {
    const abort = new AbortController();
    setLive(true);
    streamEvents(
      token,
      '/oqs/v1/events',
      (event, data, id) => {
        if (event === 'readerResult') {
          const message = JSON.parse(data) as ConfirmationMessage;
          setFeed((f) => [{ ...message, ...(id !== null ? { confirmationId: id } : {}) }, ...f].slice(0, 50));
        }
      },
      abort.signal,
    ).then(
      () => {
        setLive(false);
      },
      () => {
        setLive(false);
      },
    );
    return () => {
      abort.abort();
    };
  }, [token]);

  const switchReader = async (): Promise<void> => {
    if (institution === null) {
      return;
    }
    const status = institution.readerStatus === 'working' ? 'outOfOrder' : 'working';
    setInstitution(
      await call<Institution>(token, 'PUT', `/oqs/v1/institutions/${institutionCode}/reader-status`, { status }),
    );
  };

  return (
    <div className="reception">
      <header className="bar">
        <span className="facility">
          {institution?.name ?? ''} <small>{institutionCode}</small>
        </span>
        <span className={live ? 'live on' : 'live'} role="status">
          {live
            ? t(bi('リーダー結果: 接続中', 'Reader feed: live'))
            : t(bi('リーダー結果: 未接続', 'Reader feed: offline'))}
        </span>
        <button
          type="button"
          className={institution?.readerStatus === 'outOfOrder' ? 'reader-switch broken' : 'reader-switch'}
          data-reader-status={institution?.readerStatus ?? ''}
          onClick={() => void switchReader()}
        >
          {institution?.readerStatus === 'outOfOrder'
            ? t(bi('カードリーダー故障中 — 復旧にする', 'Reader out of order — mark working'))
            : t(bi('カードリーダーを故障中にする', 'Mark the reader out of order'))}
        </button>
        <LangSwitch />
      </header>
      <main className="console">
        {institution?.readerStatus === 'outOfOrder' ? (
          <p className="banner" role="alert" data-banner="outOfOrder">
            {t(
              bi(
                'カードリーダー故障中: マイナ保険証＋資格情報のお知らせ（またはマイナポータル画面）で番号から確認してください。何もない場合は被保険者資格申立書へ。',
                'Reader out of order: check by number from the card + qualification notice (or the Mynaportal screen). With nothing, use the qualification declaration.',
              ),
            )}
          </p>
        ) : null}
        <section className="panel-section" aria-labelledby="feed-title" data-section="feed">
          <h2 id="feed-title">{t(bi('カードリーダーの確認結果', 'Reader results'))}</h2>
          {feed.length === 0 ? <p className="hint">{t(bi('まだありません', 'None yet'))}</p> : null}
          {feed.map((m) => (
            <ResultCard
              key={m.confirmationId ?? m.messageHeader.processExecutionTime}
              message={m}
              onHistory={setHistory}
            />
          ))}
        </section>
        {history !== null ? <History token={token} institutionCode={institutionCode} keys={history} /> : null}
        <Lookup token={token} institutionCode={institutionCode} today={today} onHistory={setHistory} />
        <Bulk token={token} institutionCode={institutionCode} />
      </main>
    </div>
  );
}
