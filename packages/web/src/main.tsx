import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { institutionOfToken, loadToken, saveToken } from './api.js';
import { LangContext, bi, useLang, type Lang } from './i18n.js';
import { InsurerConsole } from './insurer/Insurer.js';
import { Kiosk } from './kiosk/Kiosk.js';
import { Portal } from './portal/Portal.js';
import { Reception } from './reception/Reception.js';
import { StatsDashboard } from './stats/Dashboard.js';

/*
 * One web app, one area per path (architecture.md): /kiosk (the reader's screens) and /reception (the counter).
 * A screen needs its institution's credential: given once as `#token=…`, or typed in here by staff.
 */

function TokenForm({ onToken }: { onToken: (token: string) => void }) {
  const { t } = useLang();
  const [value, setValue] = useState('');
  return (
    <main className="panel setup">
      <h1>{t(bi('医療機関の認証情報を入力してください', "Enter the institution's credential"))}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          saveToken(value);
          onToken(value.trim());
        }}
      >
        <label>
          <span>{t(bi('認証トークン', 'Credential token'))}</span>
          <input
            name="token"
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
            }}
            autoComplete="off"
          />
        </label>
        <button type="submit" className="primary">
          {t(bi('設定する', 'Save'))}
        </button>
      </form>
    </main>
  );
}

function Home() {
  const { t } = useLang();
  return (
    <main className="panel">
      <h1>Onshi — {t(bi('オンライン資格確認', 'Online qualification confirmation'))}</h1>
      <ul className="choices">
        <li>
          <a className="choice" href="/kiosk">
            {t(bi('顔認証付きカードリーダー（患者用）', 'Card reader kiosk (patients)'))}
          </a>
        </li>
        <li>
          <a className="choice" href="/reception">
            {t(bi('受付コンソール（職員用）', 'Reception console (staff)'))}
          </a>
        </li>
      </ul>
    </main>
  );
}

function App() {
  const [lang, setLang] = useState<Lang>('ja');
  const [token, setToken] = useState<string | null>(() => loadToken());
  const path = window.location.pathname;
  const institutionCode = token === null ? null : institutionOfToken(token);
  let screen;
  if (path.startsWith('/insurer')) {
    screen = <InsurerConsole />;
  } else if (path.startsWith('/portal')) {
    screen = <Portal />;
  } else if (path.startsWith('/stats')) {
    screen = <StatsDashboard />;
  } else if (path.startsWith('/kiosk') || path.startsWith('/reception')) {
    if (token === null || institutionCode === null) {
      screen = <TokenForm onToken={setToken} />;
    } else if (path.startsWith('/kiosk')) {
      screen = <Kiosk token={token} />;
    } else {
      screen = <Reception token={token} institutionCode={institutionCode} />;
    }
  } else {
    screen = <Home />;
  }
  document.documentElement.lang = lang;
  return <LangContext.Provider value={{ lang, setLang }}>{screen}</LangContext.Provider>;
}

const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
