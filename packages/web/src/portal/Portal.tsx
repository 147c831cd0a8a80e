import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import './portal.css';
import { ApiError, call, download, type Bilingual } from '../api.js';
import { bi, useLang } from '../i18n.js';
import type {
  AccessHistory,
  DemoCard,
  DemoLogin,
  MedicalExpenses,
  MyInformation,
  Notice,
  Proxies,
  ProxyGrant,
  ProxyInvitation,
  Qualifications,
  RegistrationStatus,
  Unregistration,
  WhatToBring,
} from './types.js';

/*
 * The citizen portal (マイナポータル's part, issue 8): log in with the card and its PIN, then 資格情報 and
 * 健康保険証利用登録, わたしの情報 (PDF), 医療費通知情報 and its tax exports, やり取り履歴, お知らせ and 受診時の持ち物.
 * Japanese first, an English switch, large readable text. In the demo the server holds the wallet's chips.
 */

type Tab = 'qualification' | 'myInformation' | 'expenses' | 'history' | 'notices' | 'bring' | 'proxies';

const TABS: { id: Tab; label: Bilingual }[] = [
  { id: 'qualification', label: bi('資格情報・保険証利用登録', 'Qualification & registration') },
  { id: 'myInformation', label: bi('わたしの情報', 'My information') },
  { id: 'expenses', label: bi('医療費通知情報', 'Medical expenses') },
  { id: 'history', label: bi('やり取り履歴', 'Access history') },
  { id: 'notices', label: bi('お知らせ', 'Notices') },
  { id: 'bring', label: bi('受診時の持ち物', 'What to bring') },
  { id: 'proxies', label: bi('代理人', 'Proxies') },
];

/**
 * The proxy grant the screens act under (代理人: the logged-in person sees the principal's pages), or null for
 * oneself. The server reads it from the `onshi-acting-for` header and checks the grant on every request.
 */
const ActingFor = createContext<string | null>(null);

function actingHeaders(grantId: string | null): Record<string, string> {
  return grantId === null ? {} : { 'onshi-acting-for': grantId };
}

function LangSwitch() {
  const { lang, setLang } = useLang();
  return (
    <button
      type="button"
      className="secondary lang"
      onClick={() => {
        setLang(lang === 'ja' ? 'en' : 'ja');
      }}
    >
      {lang === 'ja' ? 'English' : '日本語'}
    </button>
  );
}

function Problem({ error }: { error: ApiError | string | null }) {
  const { t } = useLang();
  if (error === null) {
    return null;
  }
  return (
    <p className="notice" role="alert">
      {typeof error === 'string' ? error : t(error.text)}
    </p>
  );
}

/** Downloads a file from an authenticated endpoint (the file name comes from Content-Disposition). */

function Login({ onLogin }: { onLogin: (token: string) => void }) {
  const { t } = useLang();
  const [cards, setCards] = useState<DemoCard[]>([]);
  const [card, setCard] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<ApiError | string | null>(null);
  useEffect(() => {
    call<{ cards: DemoCard[] }>('', 'GET', '/portal/v1/demo/wallet').then(
      (r) => {
        setCards(r.cards);
      },
      (e: unknown) => {
        setError(e instanceof ApiError ? e : null);
      },
    );
  }, []);
  const submit = async () => {
    if (card === null) {
      return;
    }
    setError(null);
    try {
      const result = await call<DemoLogin>('', 'POST', '/portal/v1/demo/login', { cardId: card, pin });
      setPin('');
      if ('refused' in result) {
        setError(t(result.message));
        return;
      }
      onLogin(result.token);
    } catch (e) {
      setError(e instanceof ApiError ? e : null);
    }
  };
  return (
    <main className="panel portal" data-screen="portal-login">
      <div className="bar">
        <span>マイナポータル (Onshi)</span>
        <LangSwitch />
      </div>
      <h1>{t(bi('マイナンバーカードでログイン', 'Log in with your My Number Card'))}</h1>
      <p className="lead">{t(bi('カードを読み取り機にのせてください', 'Place your card on the reader'))}</p>
      <ul className="choices wallet">
        {cards.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className={card === c.id ? 'choice primary' : 'choice'}
              data-card={c.id}
              aria-pressed={card === c.id}
              onClick={() => {
                setCard(c.id);
              }}
            >
              {t(c.label)}
            </button>
          </li>
        ))}
      </ul>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          <span>{t(bi('利用者証明用電子証明書の暗証番号（数字4桁）', 'User certificate PIN (4 digits)'))}</span>
          <input
            name="pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={4}
            value={pin}
            onChange={(e) => {
              setPin(e.target.value);
            }}
          />
        </label>
        <button type="submit" className="primary big" disabled={card === null || pin.length !== 4}>
          {t(bi('ログイン', 'Log in'))}
        </button>
      </form>
      <Problem error={error} />
    </main>
  );
}

/** What a screen loaded: the data (or the initial value), the coded error, and a reload. */
interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  reload: () => void;
}

function useLoad<T>(token: string, path: string, initial: T | null = null): Loaded<T> {
  const [data, setData] = useState<T | null>(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  const acting = useContext(ActingFor);
  useEffect(() => {
    let live = true;
    call<T>(token, 'GET', path, undefined, actingHeaders(acting)).then(
      (d) => {
        if (live) {
          setData(d);
          setError(null);
        }
      },
      (e: unknown) => {
        if (live) {
          setError(e instanceof ApiError ? e : null);
        }
      },
    );
    return () => {
      live = false;
    };
  }, [token, path, tick, acting]);
  return {
    data,
    error,
    reload: useCallback(() => {
      setTick((n) => n + 1);
    }, []),
  };
}

function rate(value: number | null): string {
  return value === null ? '—' : `${String(Math.round(value * 10))}割`;
}

function QualificationTab({ token }: { token: string }) {
  const { t } = useLang();
  const q = useLoad<Qualifications>(token, '/portal/v1/qualifications');
  const status = useLoad<RegistrationStatus>(token, '/portal/v1/insurance-use');
  const [terms, setTerms] = useState(false);
  const [result, setResult] = useState<Bilingual | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const acting = useContext(ActingFor);
  const act = async (path: string, body: unknown) => {
    setError(null);
    try {
      const r = await call<RegistrationStatus | Unregistration>(token, 'POST', path, body, actingHeaders(acting));
      setResult('status' in r ? r.message : r.message);
      status.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : null);
    }
  };
  return (
    <section data-screen="portal-qualification">
      <h2>{t(bi('健康保険証利用登録', 'Insurance-use registration'))}</h2>
      {status.data !== null ? (
        <p className={status.data.registered ? 'status registered' : 'status unregistered'}>{t(status.data.message)}</p>
      ) : null}
      {status.data !== null && !status.data.registered ? (
        <div className="stack">
          <label className="row">
            <input
              type="checkbox"
              checked={terms}
              onChange={(e) => {
                setTerms(e.target.checked);
              }}
            />
            <span>{t(bi('利用規約に同意する', 'I accept the terms of use'))}</span>
          </label>
          <button
            type="button"
            className="primary"
            disabled={!terms}
            onClick={() => void act('/portal/v1/insurance-use/registration', { acceptTerms: true })}
          >
            {t(bi('利用登録する', 'Register'))}
          </button>
        </div>
      ) : null}
      {status.data?.registered === true ? (
        <button
          type="button"
          className="secondary"
          onClick={() => void act('/portal/v1/insurance-use/unregistration', { confirm: true })}
        >
          {t(
            bi(
              '利用登録を解除する（資格確認書が送付されます）',
              'Cancel registration (an eligibility certificate will be sent)',
            ),
          )}
        </button>
      ) : null}
      {result !== null ? (
        <p className="result-message" role="status">
          {t(result)}
        </p>
      ) : null}
      <Problem error={error ?? status.error} />
      <h2>{t(bi('資格情報', 'Qualification'))}</h2>
      <Problem error={q.error} />
      {q.data?.all.map((v) => (
        <dl key={v.qualificationId} className="qualification">
          <dt>{t(bi('保険者', 'Insurer'))}</dt>
          <dd>
            {v.insurerName}（{v.insurerNumber}）{v.current ? '' : t(bi('（喪失）', ' (ended)'))}
          </dd>
          <dt>{t(bi('記号・番号・枝番', 'Symbol, number, branch'))}</dt>
          <dd>
            {v.symbol ?? '—'}・{v.number}・{v.branch ?? '—'}
          </dd>
          <dt>{t(bi('一部負担金の割合', 'Co-pay'))}</dt>
          <dd>{rate(v.copayRate)}</dd>
          <dt>{t(bi('限度額適用区分', 'Limit category'))}</dt>
          <dd>{v.limitCategory === null ? '—' : `${v.limitCategory.label}（${v.limitCategory.code}）`}</dd>
          <dt>{t(bi('資格取得日', 'Acquired on'))}</dt>
          <dd>{v.acquiredOn}</dd>
        </dl>
      ))}
    </section>
  );
}

function MyInformationTab({ token }: { token: string }) {
  const { t } = useLang();
  const acting = useContext(ActingFor);
  const info = useLoad<MyInformation>(token, '/portal/v1/my-information');
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <section data-screen="portal-my-information">
      <h2>{t(bi('わたしの情報', 'My information'))}</h2>
      <Problem error={info.error ?? error} />
      {info.data !== null ? (
        <>
          <p className="lead">{t(info.data.notice)}</p>
          <dl className="qualification">
            <dt>{t(bi('氏名', 'Name'))}</dt>
            <dd>{info.data.nameKanji}</dd>
            <dt>{t(bi('生年月日', 'Birth date'))}</dt>
            <dd>{info.data.birthDateWareki}</dd>
            <dt>{t(bi('健康保険証利用登録', 'Registration'))}</dt>
            <dd>{t(info.data.registration.message)}</dd>
          </dl>
          <button
            type="button"
            className="primary"
            onClick={() => {
              download(token, '/portal/v1/my-information.pdf', 'my-information.pdf', actingHeaders(acting)).catch(
                (e: unknown) => {
                  setError(e instanceof ApiError ? e : null);
                },
              );
            }}
          >
            {t(bi('PDFをダウンロード（QRコード付き）', 'Download the PDF (with QR code)'))}
          </button>
        </>
      ) : null}
    </section>
  );
}

function ExpensesTab({ token }: { token: string }) {
  const { t } = useLang();
  const [year, setYear] = useState(2025);
  const data = useLoad<MedicalExpenses>(token, `/portal/v1/medical-expenses?year=${String(year)}`);
  const [error, setError] = useState<ApiError | null>(null);
  const acting = useContext(ActingFor);
  const get = (path: string, name: string) => {
    download(token, path, name, actingHeaders(acting)).catch((e: unknown) => {
      setError(e instanceof ApiError ? e : null);
    });
  };
  return (
    <section data-screen="portal-expenses">
      <h2>{t(bi('医療費通知情報', 'Medical expense notice'))}</h2>
      <label className="row">
        <span>{t(bi('対象年', 'Year'))}</span>
        <select
          value={year}
          onChange={(e) => {
            setYear(Number(e.target.value));
          }}
        >
          {[2026, 2025, 2024, 2023, 2022, 2021].map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </label>
      <Problem error={data.error ?? error} />
      {data.data !== null ? (
        <>
          <p>{t(data.data.message)}</p>
          <table className="expenses">
            <thead>
              <tr>
                <th>{t(bi('診療年月', 'Month'))}</th>
                <th>{t(bi('診療区分', 'Care'))}</th>
                <th>{t(bi('医療機関等名称', 'Institution'))}</th>
                <th>{t(bi('医療費の総額（円）', 'Total (yen)'))}</th>
                <th>{t(bi('窓口相当負担額（円）', 'Paid at the counter (yen)'))}</th>
              </tr>
            </thead>
            <tbody>
              {data.data.lines.map((l, i) => (
                <tr key={`${l.month}-${String(i)}`}>
                  <td>{l.monthLabel}</td>
                  <td>{l.category}</td>
                  <td>{l.institutionName}</td>
                  <td>{l.totalCost.toLocaleString('ja-JP')}</td>
                  <td>{l.copayAmount.toLocaleString('ja-JP')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="total">
            {t(bi('窓口相当負担額の合計', 'Total paid at the counter'))}:{' '}
            {data.data.totals.copayAmount.toLocaleString('ja-JP')}
            {t(bi('円', ' yen'))}
          </p>
          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={() => {
                get(`/portal/v1/medical-expenses.csv?year=${String(year)}`, 'medical-expenses.csv');
              }}
            >
              {t(bi('医療費控除用CSVをダウンロード', 'Download the tax CSV'))}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                get(`/portal/v1/medical-expenses.pdf?year=${String(year)}`, 'statement.pdf');
              }}
            >
              {t(bi('明細書（PDF）を印刷用にダウンロード', 'Download the printable statement (PDF)'))}
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}

function HistoryTab({ token }: { token: string }) {
  const { t } = useLang();
  const data = useLoad<AccessHistory>(token, '/portal/v1/access-history');
  return (
    <section data-screen="portal-history">
      <h2>{t(bi('やり取り履歴（医療機関等による閲覧）', 'Access history (institutions)'))}</h2>
      <Problem error={data.error} />
      {data.data !== null ? <p>{t(data.data.message)}</p> : null}
      <ul className="history">
        {data.data?.entries.map((e, i) => (
          <li key={`${e.at}-${String(i)}`}>
            <time dateTime={e.at}>
              {new Intl.DateTimeFormat('ja-JP', {
                dateStyle: 'medium',
                timeStyle: 'short',
                timeZone: 'Asia/Tokyo',
              }).format(new Date(e.at))}
            </time>{' '}
            <strong>{e.institutionName ?? e.institutionCode}</strong> — {t(e.what)}
            {e.consentItems !== null ? ` (${t(bi('同意', 'consent'))}: ${e.consentItems})` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

function NoticesTab({ token }: { token: string }) {
  const { t } = useLang();
  const data = useLoad<{ notices: Notice[] }>(token, '/portal/v1/notices');
  return (
    <section data-screen="portal-notices">
      <h2>{t(bi('お知らせ', 'Notices'))}</h2>
      <Problem error={data.error} />
      {data.data?.notices.length === 0 ? <p>{t(bi('お知らせはありません', 'No notices'))}</p> : null}
      <ul className="notices">
        {data.data?.notices.map((n) => (
          <li key={`${n.kind}-${n.on}`}>{t(n.message)}</li>
        ))}
      </ul>
    </section>
  );
}

function BringTab({ token }: { token: string }) {
  const { t } = useLang();
  const [date, setDate] = useState('');
  const data = useLoad<WhatToBring>(token, `/portal/v1/what-to-bring${date === '' ? '' : `?date=${date}`}`);
  return (
    <section data-screen="portal-bring">
      <h2>{t(bi('受診時の持ち物', 'What to bring to the clinic'))}</h2>
      <label className="row">
        <span>{t(bi('受診日', 'Visit date'))}</span>
        <input
          type="date"
          value={date}
          onChange={(e) => {
            setDate(e.target.value);
          }}
        />
      </label>
      <Problem error={data.error} />
      {data.data !== null ? <p className="answer">{t(data.data.answer)}</p> : null}
    </section>
  );
}

function when(at: string): string {
  return new Intl.DateTimeFormat('ja-JP', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(
    new Date(at),
  );
}

/**
 * 代理人 (issue 8): invite a proxy (a code for 24 hours that the proxy enters after logging in with their own card),
 * remove one at once, accept an invitation, and open the pages of a person one acts for. Always the logged-in
 * person's own grants, whoever the other tabs show.
 */
function ProxiesTab({ token, onActFor }: { token: string; onActFor: (grant: ProxyGrant) => void }) {
  const { t } = useLang();
  const proxies = useLoad<Proxies>(token, '/portal/v1/proxies');
  const [invitation, setInvitation] = useState<ProxyInvitation | null>(null);
  const [code, setCode] = useState('');
  const [done, setDone] = useState<Bilingual | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (fn: () => Promise<Bilingual | null>) => {
    setError(null);
    setDone(null);
    try {
      setDone(await fn());
      proxies.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : null);
    }
  };
  const active = (grants: ProxyGrant[] | undefined) => (grants ?? []).filter((g) => g.revokedAt === null);
  return (
    <section data-screen="portal-proxies">
      <h2>{t(bi('代理人', 'Proxies'))}</h2>
      <Problem error={error ?? proxies.error} />
      {done !== null ? (
        <p className="status registered" role="status">
          {t(done)}
        </p>
      ) : null}
      <h3>{t(bi('わたしの代理人', 'My proxies'))}</h3>
      {active(proxies.data?.myProxies).length === 0 ? <p>{t(bi('代理人はいません', 'No proxies'))}</p> : null}
      <ul className="proxies">
        {active(proxies.data?.myProxies).map((g) => (
          <li key={g.grantId}>
            <strong>{g.otherName}</strong> （{when(g.grantedAt)}〜）{' '}
            <button
              type="button"
              className="secondary"
              onClick={() => {
                void run(async () => {
                  await call(token, 'DELETE', `/portal/v1/proxies/${encodeURIComponent(g.grantId)}`);
                  return bi(`${g.otherName} さんを代理人から外しました`, `${g.otherName} is no longer your proxy`);
                });
              }}
            >
              {t(bi('代理人から外す', 'Remove'))}
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="primary"
        onClick={() => {
          void run(async () => {
            setInvitation(await call<ProxyInvitation>(token, 'POST', '/portal/v1/proxies/invitations'));
            return null;
          });
        }}
      >
        {t(bi('代理人を招待する（招待コードを発行）', 'Invite a proxy (get a code)'))}
      </button>
      {invitation !== null ? (
        <p className="answer" data-invitation-code={invitation.code}>
          {t(bi('招待コード', 'Invitation code'))}: <code>{invitation.code}</code>{' '}
          {t(bi(`（${when(invitation.expiresAt)} まで有効）`, `(valid until ${when(invitation.expiresAt)})`))}
        </p>
      ) : null}
      <h3>{t(bi('代理でご覧になる方', 'People you act for'))}</h3>
      {active(proxies.data?.actingFor).length === 0 ? <p>{t(bi('いません', 'Nobody'))}</p> : null}
      <ul className="proxies">
        {active(proxies.data?.actingFor).map((g) => (
          <li key={g.grantId}>
            <strong>{g.otherName}</strong>{' '}
            <button
              type="button"
              className="primary"
              onClick={() => {
                onActFor(g);
              }}
            >
              {t(bi(`${g.otherName} さんの情報を見る`, `See ${g.otherName}'s pages`))}
            </button>
          </li>
        ))}
      </ul>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const grant = await call<ProxyGrant>(token, 'POST', '/portal/v1/proxies/acceptances', {
              code: code.trim(),
            });
            setCode('');
            return bi(`${grant.otherName} さんの代理人になりました`, `You are now ${grant.otherName}'s proxy`);
          });
        }}
      >
        <label className="row">
          <span>{t(bi('受け取った招待コード', 'Invitation code you received'))}</span>
          <input
            name="invitation"
            value={code}
            autoComplete="off"
            onChange={(e) => {
              setCode(e.target.value);
            }}
          />
        </label>
        <button type="submit" className="primary" disabled={code.trim().length < 8}>
          {t(bi('代理人になる', 'Become the proxy'))}
        </button>
      </form>
    </section>
  );
}

function Home({ token, onLogout }: { token: string; onLogout: () => void }) {
  const { t } = useLang();
  const [tab, setTab] = useState<Tab>('qualification');
  const [acting, setActing] = useState<ProxyGrant | null>(null);
  const me = useLoad<{ nameKanji: string }>(token, '/portal/v1/me');
  return (
    <ActingFor.Provider value={acting?.grantId ?? null}>
      <main className="panel portal" data-screen="portal-home">
        <div className="bar">
          <span>マイナポータル (Onshi){me.data !== null ? ` — ${me.data.nameKanji}` : ''}</span>
          <LangSwitch />
          <button
            type="button"
            className="secondary"
            onClick={() => {
              void call(token, 'POST', '/portal/v1/logout').finally(onLogout);
            }}
          >
            {t(bi('ログアウト', 'Log out'))}
          </button>
        </div>
        {acting !== null ? (
          <p className="notice acting" role="status" data-acting-for={acting.otherName}>
            {t(
              bi(
                `${acting.otherName} さんの代理で表示しています`,
                `Showing ${acting.otherName}'s pages as their proxy`,
              ),
            )}{' '}
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setActing(null);
              }}
            >
              {t(bi('自分の情報に戻る', 'Back to my own pages'))}
            </button>
          </p>
        ) : null}
        <nav aria-label={t(bi('メニュー', 'Menu'))}>
          <ul className="choices tabs">
            {TABS.map((x) => (
              <li key={x.id}>
                <button
                  type="button"
                  className={tab === x.id ? 'choice primary' : 'choice'}
                  aria-current={tab === x.id ? 'page' : undefined}
                  onClick={() => {
                    setTab(x.id);
                  }}
                >
                  {t(x.label)}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        {tab === 'qualification' ? <QualificationTab token={token} /> : null}
        {tab === 'myInformation' ? <MyInformationTab token={token} /> : null}
        {tab === 'expenses' ? <ExpensesTab token={token} /> : null}
        {tab === 'history' ? <HistoryTab token={token} /> : null}
        {tab === 'notices' ? <NoticesTab token={token} /> : null}
        {tab === 'bring' ? <BringTab token={token} /> : null}
        {tab === 'proxies' ? (
          // The logged-in person's own grants, whoever the other tabs show.
          <ActingFor.Provider value={null}>
            <ProxiesTab
              token={token}
              onActFor={(grant) => {
                setActing(grant);
                setTab('qualification');
              }}
            />
          </ActingFor.Provider>
        ) : null}
      </main>
    </ActingFor.Provider>
  );
}

/** The portal: the login screen, then the person's pages. The session lives only in this component's state. */
export function Portal() {
  const [session, setSession] = useState<string | null>(null);
  return session === null ? (
    <Login onLogin={setSession} />
  ) : (
    <Home
      token={session}
      onLogout={() => {
        setSession(null);
      }}
    />
  );
}
