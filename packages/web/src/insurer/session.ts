import { ApiError, loadToken, type Bilingual } from '../api.js';
import type { ImportLine } from './types.js';

/*
 * The insurer console's credential and its non-JSON calls. The insurer token (`insurer:<保険者番号>.<secret>`, from
 * the seed's credentials file) is typed in once or handed over in the URL fragment, and kept in this tab's
 * sessionStorage under its own key, apart from an institution's (decision 0105).
 */

const TOKEN_KEY = 'onshi.insurer.token';

/** The insurer number inside an insurer token, or null when the text is not one. */
export function insurerOfToken(token: string): string | null {
  const match = /^insurer:(\d{8})\.[A-Za-z0-9_-]+$/.exec(token.trim());
  return match?.[1] ?? null;
}

/** Takes a token from the URL fragment (then removes it from the address bar), else the stored one. */
export function loadInsurerToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match?.[1] !== undefined) {
    const token = decodeURIComponent(match[1]);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    if (insurerOfToken(token) !== null) {
      window.sessionStorage.setItem(TOKEN_KEY, token);
      return token;
    }
  }
  const own = window.sessionStorage.getItem(TOKEN_KEY);
  if (own !== null) {
    return own;
  }
  // The app shell reads `#token=` first and keeps it under its own key: adopt it when it is an insurer's.
  const shell = loadToken();
  if (shell !== null && insurerOfToken(shell) !== null) {
    window.sessionStorage.setItem(TOKEN_KEY, shell);
    return shell;
  }
  return null;
}

/** Keeps the token for this tab. */
export function saveInsurerToken(token: string): void {
  window.sessionStorage.setItem(TOKEN_KEY, token.trim());
}

/** Forgets the token (log out). */
export function clearInsurerToken(): void {
  window.sessionStorage.removeItem(TOKEN_KEY);
}

async function errorFrom(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const error: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'error') : null;
  if (typeof error === 'object' && error !== null) {
    const code: unknown = Reflect.get(error, 'code');
    const message: unknown = Reflect.get(error, 'message');
    if (typeof code === 'string' && typeof message === 'object' && message !== null) {
      const ja: unknown = Reflect.get(message, 'ja');
      const en: unknown = Reflect.get(message, 'en');
      if (typeof ja === 'string' && typeof en === 'string') {
        return new ApiError(response.status, code, { ja, en });
      }
    }
  }
  return new ApiError(response.status, 'HTTP', { ja: 'エラーが発生しました', en: 'An error occurred' });
}

/**
 * Downloads a file the API serves (a PDF, a reject report) with the credential in the header — a plain link could
 * not carry it — and hands it to the browser as a download named `filename`.
 */
export async function download(token: string, path: string, filename: string): Promise<void> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    throw await errorFrom(response);
  }
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}

/** Uploads a member CSV and calls `onLine` for each NDJSON line the import streams back. */
export async function importMembersCsv(
  token: string,
  file: Blob,
  encoding: 'auto' | 'utf8' | 'sjis',
  onLine: (line: ImportLine) => void,
): Promise<void> {
  const response = await fetch(`/insurer/v1/member-imports?encoding=${encoding}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: file,
  });
  if (!response.ok || response.body === null) {
    throw await errorFrom(response);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end = buffer.indexOf('\n');
    while (end >= 0) {
      const text = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      if (text !== '') {
        onLine(JSON.parse(text) as ImportLine);
      }
      end = buffer.indexOf('\n');
    }
  }
}

/** The message of any error, in both languages. */
export function messageOf(error: unknown): Bilingual {
  if (error instanceof ApiError) {
    return error.text;
  }
  return { ja: 'エラーが発生しました', en: 'An error occurred' };
}
