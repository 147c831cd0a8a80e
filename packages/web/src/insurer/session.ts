import { ApiError, errorFromResponse, loadToken, readJsonLines, type Bilingual } from '../api.js';
import type { ImportLine } from './types.js';

/*
 * The insurer console's credential and its streamed CSV import. The insurer token (`insurer:<保険者番号>.<secret>`, from
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
    throw await errorFromResponse(response);
  }
  // The server writes one ImportLine per line (docs/import-format.md).
  await readJsonLines(response.body, (value) => {
    onLine(value as ImportLine);
  });
}

/** The message of any error, in both languages. */
export function messageOf(error: unknown): Bilingual {
  if (error instanceof ApiError) {
    return error.text;
  }
  return { ja: 'エラーが発生しました', en: 'An error occurred' };
}
