import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, call, type Bilingual } from '../api.js';
import { bi, useLang } from '../i18n.js';
import type {
  AuthMethod,
  AuthStep,
  ConsentAnswer,
  ConsentItem,
  FinishResult,
  KioskStatus,
  PatientScreen,
  SessionStart,
  WalletEntry,
} from './types.js';

/*
 * The 顔認証付きカードリーダー's screens (documents-and-screens.md §4; rules.md §6; seed 000): place the card (or a
 * phone) → 顔認証 / 暗証番号 → consent (包括 or per item, only the items the clinic enabled) → 電子処方箋 → 受付完了.
 * Every refusal is a screen with one next step. Large text, large targets, keyboard and screen-reader friendly.
 */

type Step =
  | { name: 'idle' }
  | { name: 'phone' }
  | { name: 'phoneCards'; platform: 'iphone' | 'android' }
  | { name: 'certAlert' }
  | { name: 'method' }
  | { name: 'face' }
  | { name: 'pin' }
  | { name: 'consent' }
  | { name: 'consentItems' }
  | { name: 'prescription' }
  | { name: 'busy' }
  | { name: 'screen'; screen: PatientScreen };

interface Session {
  id: string;
  methods: AuthMethod[];
  pinRemaining: number | null;
  certificate: 'valid' | 'expiringSoon' | 'expired';
  certificateExpiresOn: string;
  platform: 'android' | 'iphone' | null;
}

const ITEM_LABELS: Record<ConsentItem, Bilingual> = {
  medication: bi('診療・お薬の情報', 'Treatment and medicine records'),
  surgery: bi('手術の情報', 'Surgery records'),
  checkup: bi('健診の情報', 'Health check-up results'),
};

const OUT_OF_ORDER: PatientScreen = {
  outcome: 'refused',
  code: 'OQS-E-READER-OUT-OF-ORDER',
  title: bi('ただいまカードリーダーは使えません', 'The card reader is not available'),
  message: bi(
    'カードリーダーが故障しています。ご迷惑をおかけします。',
    'The card reader is out of order. We apologise.',
  ),
  nextStep: bi(
    '受付窓口でマイナンバーカードと「資格情報のお知らせ」またはマイナポータルの資格情報画面をご提示ください。',
    'At the reception counter, please show your card with the qualification notice (資格情報のお知らせ) or the Mynaportal screen.',
  ),
};

function failureScreen(error: unknown): PatientScreen {
  const text = error instanceof ApiError ? error.text : bi('通信できませんでした', 'The server could not be reached');
  return {
    outcome: 'refused',
    code: error instanceof ApiError ? error.code : 'NETWORK',
    title: bi('受付できませんでした', 'Check-in did not succeed'),
    message: text,
    nextStep: bi('受付窓口にお声がけください。', 'Please speak to the reception counter.'),
  };
}

/** The kiosk for one institution (its credential in `token`). */
export function Kiosk({ token }: { token: string }) {
  const { t, lang } = useLang();
  const [status, setStatus] = useState<KioskStatus | null>(null);
  const [wallet, setWallet] = useState<WalletEntry[]>([]);
  const [step, setStep] = useState<Step>({ name: 'idle' });
  const [session, setSession] = useState<Session | null>(null);
  const [pin, setPin] = useState('');
  const [notice, setNotice] = useState<Bilingual | null>(null);
  const [items, setItems] = useState<Partial<Record<ConsentItem, boolean>>>({});
  const [consent, setConsent] = useState<ConsentAnswer | undefined>(undefined);
  const heading = useRef<HTMLHeadingElement>(null);

  const refreshStatus = useCallback(async () => {
    try {
      setStatus(await call<KioskStatus>(token, 'GET', '/reader/v1/status'));
    } catch (error) {
      setStep({ name: 'screen', screen: failureScreen(error) });
    }
  }, [token]);

  useEffect(() => {
    void refreshStatus();
    void call<{ cards: WalletEntry[] }>(token, 'GET', '/reader/v1/wallet').then(
      (w) => {
        setWallet(w.cards);
      },
      () => {
        setWallet([]);
      },
    );
  }, [token, refreshStatus]);

  // The reader's state can change at the counter (故障中): the idle screen follows it.
  useEffect(() => {
    if (step.name !== 'idle') {
      return undefined;
    }
    const timer = window.setInterval(() => void refreshStatus(), 3000);
    return () => {
      window.clearInterval(timer);
    };
  }, [step.name, refreshStatus]);

  useEffect(() => {
    heading.current?.focus();
  }, [step.name]);

  const reset = (): void => {
    setStep({ name: 'idle' });
    setSession(null);
    setPin('');
    setNotice(null);
    setItems({});
    setConsent(undefined);
    void refreshStatus();
  };

  const afterAuth = (s: Session): void => {
    setNotice(null);
    const sharing = s.certificate !== 'expired' && (status?.consentItemsEnabled.length ?? 0) > 0;
    setStep(sharing ? { name: 'consent' } : { name: 'prescription' });
  };

  const placeCard = async (card: WalletEntry): Promise<void> => {
    setStep({ name: 'busy' });
    try {
      const started = await call<SessionStart>(token, 'POST', '/reader/v1/sessions', { cardId: card.id });
      if (!started.ok || started.sessionId === undefined) {
        setStep({ name: 'screen', screen: started.screen ?? failureScreen(null) });
        return;
      }
      const s: Session = {
        id: started.sessionId,
        methods: started.methods ?? [],
        pinRemaining: started.pinRemainingTries ?? null,
        certificate: started.certificate ?? 'valid',
        certificateExpiresOn: started.certificateExpiresOn ?? '',
        platform: started.platform ?? null,
      };
      setSession(s);
      if (s.certificate !== 'valid') {
        setStep({ name: 'certAlert' });
      } else if (s.methods.length === 1 && s.methods[0] === 'device') {
        setStep({ name: 'face' });
      } else if (s.methods.length === 1 && s.methods[0] === 'pin') {
        setStep({ name: 'pin' });
      } else {
        setStep({ name: 'method' });
      }
    } catch (error) {
      setStep({ name: 'screen', screen: failureScreen(error) });
    }
  };

  const afterAlert = (): void => {
    if (session === null) {
      return;
    }
    if (session.methods.length === 1 && session.methods[0] === 'device') {
      setStep({ name: 'face' });
    } else if (session.methods.length === 1 && session.methods[0] === 'pin') {
      setStep({ name: 'pin' });
    } else {
      setStep({ name: 'method' });
    }
  };

  const handleAuth = (answer: AuthStep): void => {
    if (session === null) {
      return;
    }
    if (answer.ok) {
      afterAuth(session);
      return;
    }
    if (answer.retry === true) {
      setSession({ ...session, pinRemaining: answer.remainingTries ?? session.pinRemaining });
      setNotice(answer.message ?? null);
      return;
    }
    setStep({ name: 'screen', screen: answer.screen ?? failureScreen(null) });
  };

  const showFace = async (subject: 'holder' | 'someoneElse'): Promise<void> => {
    if (session === null) {
      return;
    }
    try {
      handleAuth(await call<AuthStep>(token, 'POST', `/reader/v1/sessions/${session.id}/face`, { subject }));
    } catch (error) {
      setStep({ name: 'screen', screen: failureScreen(error) });
    }
  };

  const submitPin = async (): Promise<void> => {
    if (session === null || pin.length !== 4) {
      return;
    }
    const entered = pin;
    setPin('');
    try {
      handleAuth(await call<AuthStep>(token, 'POST', `/reader/v1/sessions/${session.id}/pin`, { pin: entered }));
    } catch (error) {
      setStep({ name: 'screen', screen: failureScreen(error) });
    }
  };

  const finish = async (prescriptionIssueSelect: '1' | '2'): Promise<void> => {
    if (session === null) {
      return;
    }
    setStep({ name: 'busy' });
    try {
      const result = await call<FinishResult>(token, 'POST', `/reader/v1/sessions/${session.id}/finish`, {
        ...(consent !== undefined ? { consent } : {}),
        prescriptionIssueSelect,
      });
      setStep({ name: 'screen', screen: result.screen });
    } catch (error) {
      setStep({ name: 'screen', screen: failureScreen(error) });
    }
  };

  // Digits, Backspace and Enter work on the PIN screen (keyboard use).
  useEffect(() => {
    if (step.name !== 'pin') {
      return undefined;
    }
    const onKey = (event: KeyboardEvent): void => {
      if (/^[0-9]$/.test(event.key)) {
        setPin((p) => (p.length < 4 ? p + event.key : p));
      } else if (event.key === 'Backspace') {
        setPin((p) => p.slice(0, -1));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [step.name]);

  const enabled = status?.consentItemsEnabled ?? [];
  const outOfOrder = status?.readerStatus === 'outOfOrder' && step.name === 'idle';
  const shown: Step = outOfOrder ? { name: 'screen', screen: OUT_OF_ORDER } : step;

  const title = (text: Bilingual) => (
    <h1 ref={heading} tabIndex={-1}>
      {t(text)}
    </h1>
  );

  let body: React.ReactNode;
  switch (shown.name) {
    case 'idle': {
      const cards = wallet.filter((c) => c.kind !== 'smartphone');
      body = (
        <>
          {title(bi('マイナンバーカードを置いてください', 'Please place your My Number Card'))}
          <p className="lead">
            {t(
              bi(
                '顔写真を上に向けて、カードリーダーに置いてください。',
                'Place the card on the reader with the photo facing up.',
              ),
            )}
          </p>
          <section aria-labelledby="wallet-title" className="wallet">
            <h2 id="wallet-title">{t(bi('デモ: カードを選ぶ', 'Demo: choose a card'))}</h2>
            <ul className="choices">
              {cards.map((card) => (
                <li key={card.id}>
                  <button type="button" className="choice" data-card={card.id} onClick={() => void placeCard(card)}>
                    {t(card.label)}
                  </button>
                </li>
              ))}
            </ul>
          </section>
          {status?.smartphoneReader === true ? (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setStep({ name: 'phone' });
              }}
            >
              {t(bi('スマートフォンで受付', 'Use a smartphone'))}
            </button>
          ) : null}
        </>
      );
      break;
    }
    case 'phone':
      body = (
        <>
          {title(bi('お使いのスマートフォンを選んでください', 'Which smartphone do you use?'))}
          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={() => {
                setStep({ name: 'phoneCards', platform: 'iphone' });
              }}
            >
              iPhone
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => {
                setStep({ name: 'phoneCards', platform: 'android' });
              }}
            >
              Android
            </button>
          </div>
          <button type="button" className="secondary" onClick={reset}>
            {t(bi('もどる', 'Back'))}
          </button>
        </>
      );
      break;
    case 'phoneCards': {
      const phones = wallet.filter((c) => c.kind === 'smartphone' && c.platform === shown.platform);
      body = (
        <>
          {title(bi('スマートフォンをかざしてください', 'Please hold your phone to the reader'))}
          <ul className="choices">
            {phones.map((card) => (
              <li key={card.id}>
                <button type="button" className="choice" data-card={card.id} onClick={() => void placeCard(card)}>
                  {t(card.label)}
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="secondary" onClick={reset}>
            {t(bi('もどる', 'Back'))}
          </button>
        </>
      );
      break;
    }
    case 'certAlert': {
      const expired = session?.certificate === 'expired';
      body = (
        <>
          {title(
            expired
              ? bi('電子証明書の有効期限が切れています', 'Your certificate has expired')
              : bi('電子証明書の有効期限が近づいています', 'Your certificate expires soon'),
          )}
          <p className="lead" role="alert">
            {expired
              ? t(
                  bi(
                    '有効期限切れ：電子証明書の有効期限が切れているため、資格情報のみ当機関に提供します。お早めに市区町村の窓口で電子証明書を更新してください。',
                    'Expired: your certificate has expired, so only your insurance details are shared with this clinic. Please renew it soon at your municipal office.',
                  ),
                )
              : t(
                  bi(
                    `電子証明書の有効期限は ${session?.certificateExpiresOn ?? ''} です。市区町村の窓口で更新してください。`,
                    `Your certificate expires on ${session?.certificateExpiresOn ?? ''}. Please renew it at your municipal office.`,
                  ),
                )}
          </p>
          <button type="button" className="primary" onClick={afterAlert}>
            {t(bi('次に進む', 'Continue'))}
          </button>
        </>
      );
      break;
    }
    case 'method':
      body = (
        <>
          {title(bi('本人確認の方法を選んでください', 'How would you like to confirm who you are?'))}
          <div className="row">
            {session?.methods.includes('face') === true ? (
              <button
                type="button"
                className="primary big"
                onClick={() => {
                  setStep({ name: 'face' });
                }}
              >
                {t(bi('顔認証', 'Face recognition'))}
              </button>
            ) : null}
            {session?.methods.includes('pin') === true ? (
              <button
                type="button"
                className="primary big"
                onClick={() => {
                  setStep({ name: 'pin' });
                }}
              >
                {t(bi('暗証番号', 'PIN'))}
              </button>
            ) : null}
          </div>
          {session?.methods.includes('pin') === true ? null : (
            <p className="hint">
              {t(bi('このカードは顔認証でご利用いただけます。', 'This card is used with face recognition.'))}
            </p>
          )}
        </>
      );
      break;
    case 'face': {
      const device = session?.methods.includes('device') === true;
      body = (
        <>
          {title(
            device
              ? bi('iPhoneで本人確認をしてください', 'Please unlock with Face ID on your iPhone')
              : bi('カメラに顔を向けてください', 'Please look at the camera'),
          )}
          {notice !== null ? (
            <p className="notice" role="alert">
              {t(notice)}
            </p>
          ) : null}
          <section aria-labelledby="camera-title" className="camera">
            <h2 id="camera-title">{t(bi('デモ: カメラに映る人', 'Demo: who is in front of the camera'))}</h2>
            <div className="row">
              <button type="button" className="primary" onClick={() => void showFace('holder')}>
                {t(bi('本人の顔', 'The card holder'))}
              </button>
              <button type="button" className="secondary" onClick={() => void showFace('someoneElse')}>
                {t(bi('別の人の顔', 'Someone else'))}
              </button>
            </div>
          </section>
        </>
      );
      break;
    }
    case 'pin': {
      const remaining = session?.pinRemaining ?? null;
      body = (
        <>
          {title(bi('暗証番号（数字4桁）を入力してください', 'Please enter your 4-digit PIN'))}
          {remaining !== null ? (
            <p className="tries" aria-live="polite">
              {lang === 'ja' ? `残り ${remaining} 回` : `${remaining} ${remaining === 1 ? 'try' : 'tries'} left`}
            </p>
          ) : null}
          {notice !== null ? (
            <p className="notice" role="alert">
              {t(notice)}
            </p>
          ) : null}
          <div
            className="pin-display"
            role="status"
            aria-label={t(bi('入力した桁数', 'Digits entered')) + `: ${pin.length}/4`}
          >
            {[0, 1, 2, 3].map((i) => (
              <span key={i} className={i < pin.length ? 'dot filled' : 'dot'} aria-hidden="true" />
            ))}
          </div>
          <div className="keypad" role="group" aria-label={t(bi('テンキー', 'Keypad'))}>
            {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
              <button
                key={d}
                type="button"
                className="key"
                onClick={() => {
                  setPin((p) => (p.length < 4 ? p + d : p));
                }}
              >
                {d}
              </button>
            ))}
            <button
              type="button"
              className="key muted"
              onClick={() => {
                setPin('');
              }}
            >
              {t(bi('訂正', 'Clear'))}
            </button>
            <button
              type="button"
              className="key"
              onClick={() => {
                setPin((p) => (p.length < 4 ? `${p}0` : p));
              }}
            >
              0
            </button>
            <button type="button" className="key ok" disabled={pin.length !== 4} onClick={() => void submitPin()}>
              {t(bi('確定', 'OK'))}
            </button>
          </div>
        </>
      );
      break;
    }
    case 'consent':
      body = (
        <>
          {title(
            bi(
              '過去の診療・お薬・健診の情報を医師・薬剤師に提供しますか',
              'May the doctor and pharmacist see your past records?',
            ),
          )}
          <p className="lead">
            {t(
              bi(
                '同意すると、これまでの情報をもとに、より良い医療が受けられます。閲覧は24時間までです。',
                'With your consent, your care can use your past records. Viewing is allowed for 24 hours.',
              ),
            )}
          </p>
          <ul className="plain">
            {enabled.map((item) => (
              <li key={item}>{t(ITEM_LABELS[item])}</li>
            ))}
          </ul>
          <div className="stack">
            <button
              type="button"
              className="primary big"
              onClick={() => {
                setConsent({ blanket: true });
                setStep({ name: 'prescription' });
              }}
            >
              {t(bi('すべてに同意する', 'I consent to all'))}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setStep({ name: 'consentItems' });
              }}
            >
              {t(bi('項目ごとに選ぶ', 'Choose item by item'))}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setConsent({ items: [] });
                setStep({ name: 'prescription' });
              }}
            >
              {t(bi('同意しない', 'I do not consent'))}
            </button>
          </div>
        </>
      );
      break;
    case 'consentItems':
      body = (
        <>
          {title(bi('項目ごとに選んでください', 'Please choose for each item'))}
          <div className="items">
            {enabled.map((item) => (
              <fieldset key={item} className="item">
                <legend>{t(ITEM_LABELS[item])}</legend>
                <div className="row">
                  <button
                    type="button"
                    className={items[item] === true ? 'toggle on' : 'toggle'}
                    aria-pressed={items[item] === true}
                    data-item={item}
                    data-answer="yes"
                    onClick={() => {
                      setItems({ ...items, [item]: true });
                    }}
                  >
                    {t(bi('同意する', 'Consent'))}
                  </button>
                  <button
                    type="button"
                    className={items[item] === false ? 'toggle on' : 'toggle'}
                    aria-pressed={items[item] === false}
                    data-item={item}
                    data-answer="no"
                    onClick={() => {
                      setItems({ ...items, [item]: false });
                    }}
                  >
                    {t(bi('同意しない', 'Do not consent'))}
                  </button>
                </div>
              </fieldset>
            ))}
          </div>
          <button
            type="button"
            className="primary"
            disabled={enabled.some((item) => items[item] === undefined)}
            onClick={() => {
              setConsent({ items: enabled.filter((item) => items[item] === true) });
              setStep({ name: 'prescription' });
            }}
          >
            {t(bi('次へ', 'Next'))}
          </button>
        </>
      );
      break;
    case 'prescription':
      body = (
        <>
          {title(bi('処方箋の受け取り方法を選んでください', 'How would you like your prescription?'))}
          <div className="row">
            <button type="button" className="primary big" onClick={() => void finish('1')}>
              {t(bi('電子処方箋', 'Electronic prescription'))}
            </button>
            <button type="button" className="primary big" onClick={() => void finish('2')}>
              {t(bi('紙の処方箋', 'Paper prescription'))}
            </button>
          </div>
        </>
      );
      break;
    case 'busy':
      body = (
        <>
          {title(bi('確認しています', 'Checking'))}
          <p className="lead" role="status">
            {t(bi('カードを動かさずにお待ちください。', 'Please do not move the card.'))}
          </p>
        </>
      );
      break;
    case 'screen': {
      const s = shown.screen;
      body = (
        <div className={s.outcome === 'accepted' ? 'result ok' : 'result refused'}>
          {title(s.title)}
          <p className="lead" data-code={s.code}>
            {t(s.message)}
          </p>
          <p className="next">{t(s.nextStep)}</p>
          {s.outcome === 'accepted' ? (
            <p className="take-card">{t(bi('カードをお取りください', 'Please take your card'))}</p>
          ) : null}
          {outOfOrder ? null : (
            <button type="button" className="secondary" onClick={reset}>
              {t(bi('最初の画面に戻る', 'Back to the start'))}
            </button>
          )}
        </div>
      );
      break;
    }
  }

  return (
    <div className="kiosk" data-screen={shown.name === 'screen' ? `screen:${shown.screen.code}` : shown.name}>
      <header className="bar">
        <span className="facility">{status?.institutionName ?? ''}</span>
        <LangSwitch />
      </header>
      <main className="panel">{body}</main>
    </div>
  );
}

/** 日本語 / English. */
export function LangSwitch() {
  const { lang, setLang } = useLang();
  return (
    <button
      type="button"
      className="lang"
      lang={lang === 'ja' ? 'en' : 'ja'}
      onClick={() => {
        setLang(lang === 'ja' ? 'en' : 'ja');
      }}
    >
      {lang === 'ja' ? 'English' : '日本語'}
    </button>
  );
}
