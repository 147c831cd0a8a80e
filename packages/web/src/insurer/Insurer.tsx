import { useEffect, useState } from 'react';
import { tokyoDate } from '@onshi/core';
import { call, type Bilingual } from '../api.js';
import { bi, useLang } from '../i18n.js';
import { LangSwitch } from '../kiosk/Kiosk.js';
import { DueBatch } from './DueBatch.js';
import { ImportPanel } from './ImportPanel.js';
import { MemberPage } from './MemberPage.js';
import { memberKeyText, relationshipLabel } from './format.js';
import { clearInsurerToken, insurerOfToken, loadInsurerToken, messageOf, saveInsurerToken } from './session.js';
import type { MemberFound } from './types.js';
import './insurer.css';

/*
 * The insurer console (保険者の事務画面, issue 9) at /insurer: staff log in with the insurer's credential token, search
 * members, open a member's page and act on it, import a member CSV, and issue the documents due on a date. Japanese
 * first, English on the switch; dense tables, every action reachable by keyboard.
 */

type View = { kind: 'search' } | { kind: 'member'; memberId: string } | { kind: 'import' } | { kind: 'due' };

function Login({ onToken }: { onToken: (token: string) => void }) {
  const { t } = useLang();
  const [value, setValue] = useState('');
  const [wrong, setWrong] = useState(false);
  return (
    <main className="panel setup insurer-login">
      <h1>{t(bi('保険者 事務画面', 'Insurer console'))}</h1>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (insurerOfToken(value) === null) {
            setWrong(true);
            return;
          }
          saveInsurerToken(value);
          onToken(value.trim());
        }}
      >
        <label>
          <span>{t(bi('保険者の認証トークン', "The insurer's credential token"))}</span>
          <input
            name="token"
            value={value}
            autoComplete="off"
            aria-invalid={wrong}
            aria-describedby="token-hint"
            onChange={(e) => {
              setValue(e.target.value);
              setWrong(false);
            }}
          />
        </label>
        <p id="token-hint" className={wrong ? 'warn' : 'hint'}>
          {wrong
            ? t(bi('保険者のトークン（insurer:…）ではありません。', 'This is not an insurer token (insurer:…).'))
            : t(
                bi(
                  'シード時に作成された認証情報ファイル（*.credentials.json）の insurers 欄にあります。',
                  'Find it under "insurers" in the credentials file written by the seed (*.credentials.json).',
                ),
              )}
        </p>
        <button type="submit" className="primary">
          {t(bi('ログイン', 'Log in'))}
        </button>
      </form>
    </main>
  );
}

function Search({ token, onOpen }: { token: string; onOpen: (memberId: string) => void }) {
  const { t } = useLang();
  const [f, setF] = useState({ symbol: '', number: '', nameKana: '', birthDate: '' });
  const [found, setFound] = useState<MemberFound[] | null>(null);
  const [error, setError] = useState<Bilingual | null>(null);
  const set = (key: keyof typeof f) => (e: { target: { value: string } }) => {
    setF({ ...f, [key]: e.target.value });
  };
  const search = async (): Promise<void> => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) {
      if (v.trim() !== '') {
        query.set(k, v.trim());
      }
    }
    setError(null);
    try {
      const res = await call<{ members: MemberFound[] }>(
        token,
        'GET',
        `/insurer/v1/console/members?${query.toString()}`,
      );
      setFound(res.members);
    } catch (e) {
      setFound(null);
      setError(messageOf(e));
    }
  };
  return (
    <section className="panel-section" data-section="search" aria-labelledby="h-search">
      <h2 id="h-search">{t(bi('加入者検索', 'Find a member'))}</h2>
      <form
        className="form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <label>
          <span>{t(bi('記号', 'Symbol'))}</span>
          <input name="symbol" value={f.symbol} onChange={set('symbol')} autoComplete="off" />
        </label>
        <label>
          <span>{t(bi('番号', 'Number'))}</span>
          <input name="number" value={f.number} onChange={set('number')} autoComplete="off" />
        </label>
        <label>
          <span>{t(bi('カナ氏名（前方一致）', 'Name in kana (starts with)'))}</span>
          <input name="nameKana" value={f.nameKana} onChange={set('nameKana')} autoComplete="off" />
        </label>
        <label>
          <span>{t(bi('生年月日', 'Birth date'))}</span>
          <input type="date" name="birthDate" value={f.birthDate} onChange={set('birthDate')} />
        </label>
        <button type="submit" className="primary">
          {t(bi('検索', 'Search'))}
        </button>
      </form>
      {error !== null ? (
        <p className="banner" role="alert">
          {t(error)}
        </p>
      ) : null}
      {found !== null ? (
        found.length === 0 ? (
          <p role="status">{t(bi('該当する加入者はいません。', 'No member found.'))}</p>
        ) : (
          <table className="grid" data-table="results">
            <caption className="visually-hidden">{t(bi('検索結果', 'Results'))}</caption>
            <thead>
              <tr>
                <th scope="col">{t(bi('氏名', 'Name'))}</th>
                <th scope="col">{t(bi('カナ氏名', 'Kana'))}</th>
                <th scope="col">{t(bi('生年月日', 'Birth date'))}</th>
                <th scope="col">{t(bi('記号・番号（枝番）', 'Symbol, number (branch)'))}</th>
                <th scope="col">{t(bi('本人・家族', 'Relationship'))}</th>
                <th scope="col">{t(bi('資格', 'Qualification'))}</th>
              </tr>
            </thead>
            <tbody>
              {found.map((m) => (
                <tr key={m.memberId} data-member={m.memberId}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        onOpen(m.memberId);
                      }}
                    >
                      {m.nameKanji}
                    </button>
                  </td>
                  <td>{m.nameKana}</td>
                  <td>{m.birthDate}</td>
                  <td>{memberKeyText(m)}</td>
                  <td>{t(relationshipLabel(m.relationship))}</td>
                  <td>
                    {m.acquiredOn} 〜 {m.lostOn ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </section>
  );
}

const TABS: { kind: 'search' | 'import' | 'due'; label: Bilingual }[] = [
  { kind: 'search', label: bi('加入者検索', 'Members') },
  { kind: 'import', label: bi('一括取込', 'Import') },
  { kind: 'due', label: bi('書類の一括発行', 'Documents due') },
];

/** The /insurer area: the login, then the console. */
export function InsurerConsole() {
  const { t } = useLang();
  const [token, setToken] = useState<string | null>(() => loadInsurerToken());
  const [view, setView] = useState<View>({ kind: 'search' });
  const [today, setToday] = useState<string | null>(null);

  useEffect(() => {
    // The server's day (its clock is the one the rules use), not the browser's.
    void fetch('/healthz')
      .then((r) => r.json() as Promise<{ time: string }>)
      .then((h) => {
        setToday(tokyoDate(new Date(h.time)));
      });
  }, []);

  const insurerNumber = token === null ? null : insurerOfToken(token);
  if (token === null || insurerNumber === null) {
    return <Login onToken={setToken} />;
  }
  return (
    <div className="reception insurer">
      <header className="bar">
        <span className="facility">
          {t(bi('保険者 事務画面', 'Insurer console'))} <small>{insurerNumber}</small>
        </span>
        <nav aria-label={t(bi('画面', 'Screens'))}>
          {TABS.map((tab) => (
            <button
              key={tab.kind}
              type="button"
              className="tab"
              aria-current={view.kind === tab.kind || (tab.kind === 'search' && view.kind === 'member')}
              onClick={() => {
                setView({ kind: tab.kind });
              }}
            >
              {t(tab.label)}
            </button>
          ))}
        </nav>
        <LangSwitch />
        <button
          type="button"
          className="tab"
          onClick={() => {
            clearInsurerToken();
            setToken(null);
          }}
        >
          {t(bi('ログアウト', 'Log out'))}
        </button>
      </header>
      <main className="console">
        {view.kind === 'search' ? (
          <Search
            token={token}
            onOpen={(memberId) => {
              setView({ kind: 'member', memberId });
            }}
          />
        ) : null}
        {view.kind === 'member' ? (
          <>
            <p>
              <button
                type="button"
                className="link"
                onClick={() => {
                  setView({ kind: 'search' });
                }}
              >
                ← {t(bi('検索に戻る', 'Back to search'))}
              </button>
            </p>
            <MemberPage
              token={token}
              memberId={view.memberId}
              onOpen={(memberId) => {
                setView({ kind: 'member', memberId });
              }}
            />
          </>
        ) : null}
        {view.kind === 'import' ? <ImportPanel token={token} /> : null}
        {view.kind === 'due' && today !== null ? (
          <DueBatch
            token={token}
            today={today}
            onOpen={(memberId) => {
              setView({ kind: 'member', memberId });
            }}
          />
        ) : null}
      </main>
    </div>
  );
}
