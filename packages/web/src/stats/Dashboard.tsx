import { useEffect, useRef, useState } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { ApiError, call, type Bilingual } from '../api.js';
import { bi, useLang } from '../i18n.js';

/*
 * The statistics dashboard (issue 9, seed 004): 利用率 / 利用登録率 by branch (sorted bars, top and bottom five marked,
 * month-on-month change), by month (line) and by institution kind (bars). Every chart names its numerator and
 * denominator and has its table and CSV behind it. Needs an analyst or insurer credential (`/stats#token=…`).
 */

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
);

const TOKEN_KEY = 'onshi.statsToken';
/** The key api.ts keeps the fragment's token under. */
const SHELL_TOKEN_KEY = 'onshi.token';

interface Definition {
  id: string;
  name: Bilingual;
  numerator: Bilingual;
  denominator: Bilingual;
  basis: string;
}

interface RateRow {
  numerator: number;
  denominator: number;
  rate: number | null;
}

interface BranchAnswer {
  definition: Definition;
  total: RateRow;
  month: string;
  previousMonth: string;
  rows: (RateRow & {
    branch: string;
    branchName: Bilingual;
    rank: number;
    mark: 'top' | 'bottom' | null;
    previousRate: number | null;
    changePoints: number | null;
  })[];
}

interface MonthAnswer {
  definition: Definition;
  total: RateRow;
  rows: (RateRow & { month: string })[];
}

interface KindAnswer {
  definition: Definition;
  total: RateRow;
  rows: (RateRow & { institutionKind: string; kindName: Bilingual })[];
}

const DEFINITIONS: readonly { id: string; label: Bilingual }[] = [
  { id: 'usageRateOverall', label: bi('利用率（全体）', 'Usage rate (overall)') },
  { id: 'usageRateOutpatient', label: bi('利用率（外来のみ）', 'Usage rate (outpatient only)') },
  { id: 'registrationRate', label: bi('利用登録率', 'Registration rate') },
  { id: 'usageRateInclVisual', label: bi('利用率（目視を含む）', 'Usage rate (incl. visual checks)') },
  { id: 'usageRateClaims', label: bi('利用率（レセプト件数ベース）', 'Usage rate (claims basis)') },
];

function loadStatsToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match?.[1] !== undefined) {
    const token = decodeURIComponent(match[1]);
    window.sessionStorage.setItem(TOKEN_KEY, token);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return token;
  }
  // The app shell may have taken the fragment first (api.ts loadToken): accept an analyst or insurer token from it.
  const shared = window.sessionStorage.getItem(SHELL_TOKEN_KEY);
  if (shared !== null && /^(analyst|insurer:\d{6,8})\./.test(shared)) {
    return shared;
  }
  return window.sessionStorage.getItem(TOKEN_KEY);
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(2)}%`;
}

/** A chart.js canvas that is rebuilt whenever its configuration changes. */
function ChartCanvas({ config, label }: { config: ChartConfiguration; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current === null) {
      return undefined;
    }
    const chart = new Chart(canvas.current, config);
    return () => {
      chart.destroy();
    };
  }, [config]);
  return <canvas ref={canvas} role="img" aria-label={label} />;
}

/** Downloads the CSV of an answer with the credential (a plain link cannot send the Authorization header). */
async function downloadCsv(token: string, path: string, name: string): Promise<void> {
  const response = await fetch(`${path}&format=csv`, { headers: { authorization: `Bearer ${token}` } });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

function Caption({ definition }: { definition: Definition }) {
  const { t } = useLang();
  return (
    <p className="stats-caption" data-role="definition">
      {t(definition.name)} = {t(definition.numerator)} ÷ {t(definition.denominator)}
      <small> ({definition.basis})</small>
    </p>
  );
}

function CsvButton({ token, path, name }: { token: string; path: string; name: string }) {
  const { t } = useLang();
  return (
    <button
      type="button"
      onClick={() => {
        void downloadCsv(token, path, name);
      }}
    >
      {t(bi('CSVをダウンロード', 'Download CSV'))}
    </button>
  );
}

/** The dashboard. */
export function StatsDashboard() {
  const { t, lang, setLang } = useLang();
  const [token, setToken] = useState<string | null>(() => loadStatsToken());
  const [typed, setTyped] = useState('');
  const [definition, setDefinition] = useState('usageRateOverall');
  const [month, setMonth] = useState('2025-10');
  const [from, setFrom] = useState('2025-01');
  const [to, setTo] = useState('2025-12');
  const [scheme, setScheme] = useState('kyokai');
  const [branch, setBranch] = useState<BranchAnswer | null>(null);
  const [series, setSeries] = useState<MonthAnswer | null>(null);
  const [kinds, setKinds] = useState<KindAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  const scope = scheme === '' ? '' : `&scheme=${scheme}`;
  const branchPath = `/stats/v1/by-branch?month=${month}&definition=${definition}${scope}`;
  const monthPath = `/stats/v1/by-month?from=${from}&to=${to}&definition=${definition}${scope}`;
  const kindPath = `/stats/v1/by-kind?from=${month}&to=${month}&definition=${definition}${scope}`;

  useEffect(() => {
    if (token === null) {
      return;
    }
    const run = { live: true };
    setError(null);
    void (async () => {
      try {
        const [b, m] = await Promise.all([
          call<BranchAnswer>(token, 'GET', branchPath),
          call<MonthAnswer>(token, 'GET', monthPath),
        ]);
        const k = definition === 'registrationRate' ? null : await call<KindAnswer>(token, 'GET', kindPath);
        if (run.live) {
          setBranch(b);
          setSeries(m);
          setKinds(k);
        }
      } catch (e) {
        if (run.live) {
          setError(e instanceof ApiError ? `${e.code}: ${e.text[lang]}` : String(e));
        }
      }
    })();
    return () => {
      run.live = false;
    };
  }, [token, branchPath, monthPath, kindPath, definition, lang]);

  if (token === null) {
    return (
      <main className="panel setup">
        <h1>{t(bi('集計用の認証情報を入力してください', 'Enter an analyst or insurer credential'))}</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            window.sessionStorage.setItem(TOKEN_KEY, typed.trim());
            setToken(typed.trim());
          }}
        >
          <label>
            <span>{t(bi('認証トークン', 'Credential token'))}</span>
            <input
              name="token"
              value={typed}
              onChange={(e) => {
                setTyped(e.target.value);
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

  const barColor = (mark: 'top' | 'bottom' | null): string =>
    mark === 'top' ? '#1b7f3b' : mark === 'bottom' ? '#b3261e' : '#5b7db1';
  const branchConfig: ChartConfiguration | null =
    branch === null
      ? null
      : {
          type: 'bar',
          data: {
            labels: branch.rows.map((r) => t(r.branchName)),
            datasets: [
              {
                label: t(branch.definition.name),
                data: branch.rows.map((r) => (r.rate === null ? 0 : r.rate * 100)),
                backgroundColor: branch.rows.map((r) => barColor(r.mark)),
              },
            ],
          },
          options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
        };
  const seriesConfig: ChartConfiguration | null =
    series === null
      ? null
      : {
          type: 'line',
          data: {
            labels: series.rows.map((r) => r.month),
            datasets: [
              {
                label: t(series.definition.name),
                data: series.rows.map((r) => (r.rate === null ? 0 : r.rate * 100)),
                borderColor: '#5b7db1',
              },
            ],
          },
          options: { animation: false, scales: { y: { beginAtZero: true } } },
        };
  const kindConfig: ChartConfiguration | null =
    kinds === null
      ? null
      : {
          type: 'bar',
          data: {
            labels: kinds.rows.map((r) => t(r.kindName)),
            datasets: [
              {
                label: t(kinds.definition.name),
                data: kinds.rows.map((r) => (r.rate === null ? 0 : r.rate * 100)),
                backgroundColor: '#5b7db1',
              },
            ],
          },
          options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
        };

  return (
    <main className="panel stats" data-screen="stats">
      <header>
        <h1>{t(bi('マイナ保険証の利用状況', 'My Number insurance card: registration and usage'))}</h1>
        <button
          type="button"
          onClick={() => {
            setLang(lang === 'ja' ? 'en' : 'ja');
          }}
        >
          {lang === 'ja' ? 'English' : '日本語'}
        </button>
      </header>
      <form
        className="stats-controls"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <label>
          <span>{t(bi('定義', 'Definition'))}</span>
          <select
            name="definition"
            value={definition}
            onChange={(e) => {
              setDefinition(e.target.value);
            }}
          >
            {DEFINITIONS.map((d) => (
              <option key={d.id} value={d.id}>
                {t(d.label)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t(bi('制度', 'Scheme'))}</span>
          <select
            name="scheme"
            value={scheme}
            onChange={(e) => {
              setScheme(e.target.value);
            }}
          >
            <option value="kyokai">{t(bi('協会けんぽ（支部別）', 'Kyokai Kenpo (by branch)'))}</option>
            <option value="">{t(bi('すべての保険者', 'All insurers'))}</option>
          </select>
        </label>
        <label>
          <span>{t(bi('対象月', 'Month'))}</span>
          <input
            name="month"
            type="month"
            value={month}
            onChange={(e) => {
              setMonth(e.target.value);
            }}
          />
        </label>
        <label>
          <span>{t(bi('推移: 開始', 'Series from'))}</span>
          <input
            name="from"
            type="month"
            value={from}
            onChange={(e) => {
              setFrom(e.target.value);
            }}
          />
        </label>
        <label>
          <span>{t(bi('推移: 終了', 'Series to'))}</span>
          <input
            name="to"
            type="month"
            value={to}
            onChange={(e) => {
              setTo(e.target.value);
            }}
          />
        </label>
      </form>
      {error === null ? null : (
        <p role="alert" className="error">
          {error}
        </p>
      )}

      {branch === null || branchConfig === null ? null : (
        <section className="panel-section" data-section="by-branch">
          <h2>
            {t(bi('支部別', 'By branch'))} — {branch.month}（{t(bi('全体', 'total'))} {percent(branch.total.rate)}）
          </h2>
          <Caption definition={branch.definition} />
          <p>
            <span style={{ color: '#1b7f3b' }}>■ {t(bi('上位5', 'Top five'))}</span>{' '}
            <span style={{ color: '#b3261e' }}>■ {t(bi('下位5', 'Bottom five'))}</span>
          </p>
          <ChartCanvas config={branchConfig} label={t(bi('支部別の棒グラフ', 'Bar chart by branch'))} />
          <CsvButton token={token} path={branchPath} name={`${definition}-by-branch-${month}.csv`} />
          <table>
            <thead>
              <tr>
                <th>{t(bi('順位', 'Rank'))}</th>
                <th>{t(bi('支部', 'Branch'))}</th>
                <th>{t(branch.definition.numerator)}</th>
                <th>{t(branch.definition.denominator)}</th>
                <th>{t(branch.definition.name)}</th>
                <th>{t(bi('前月差（ポイント）', 'Change (points)'))}</th>
              </tr>
            </thead>
            <tbody>
              {branch.rows.map((r) => (
                <tr key={r.branch} data-mark={r.mark ?? ''}>
                  <td>{r.rank === 0 ? '—' : r.rank}</td>
                  <td>{t(r.branchName)}</td>
                  <td>{r.numerator.toLocaleString()}</td>
                  <td>{r.denominator.toLocaleString()}</td>
                  <td>{percent(r.rate)}</td>
                  <td>{r.changePoints === null ? '—' : r.changePoints.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {series === null || seriesConfig === null ? null : (
        <section className="panel-section" data-section="by-month">
          <h2>{t(bi('月別の推移', 'By month'))}</h2>
          <Caption definition={series.definition} />
          <ChartCanvas config={seriesConfig} label={t(bi('月別の折れ線グラフ', 'Line chart by month'))} />
          <CsvButton token={token} path={monthPath} name={`${definition}-by-month-${from}-${to}.csv`} />
          <table>
            <thead>
              <tr>
                <th>{t(bi('年月', 'Month'))}</th>
                <th>{t(series.definition.numerator)}</th>
                <th>{t(series.definition.denominator)}</th>
                <th>{t(series.definition.name)}</th>
              </tr>
            </thead>
            <tbody>
              {series.rows.map((r) => (
                <tr key={r.month}>
                  <td>{r.month}</td>
                  <td>{r.numerator.toLocaleString()}</td>
                  <td>{r.denominator.toLocaleString()}</td>
                  <td>{percent(r.rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {kinds === null || kindConfig === null ? null : (
        <section className="panel-section" data-section="by-kind">
          <h2>
            {t(bi('医療機関の種別', 'By institution kind'))} — {month}
          </h2>
          <Caption definition={kinds.definition} />
          <ChartCanvas config={kindConfig} label={t(bi('種別の棒グラフ', 'Bar chart by kind'))} />
          <CsvButton token={token} path={kindPath} name={`${definition}-by-kind-${month}.csv`} />
          <table>
            <thead>
              <tr>
                <th>{t(bi('種別', 'Kind'))}</th>
                <th>{t(kinds.definition.numerator)}</th>
                <th>{t(kinds.definition.denominator)}</th>
                <th>{t(kinds.definition.name)}</th>
              </tr>
            </thead>
            <tbody>
              {kinds.rows.map((r) => (
                <tr key={r.institutionKind}>
                  <td>{t(r.kindName)}</td>
                  <td>{r.numerator.toLocaleString()}</td>
                  <td>{r.denominator.toLocaleString()}</td>
                  <td>{percent(r.rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}
