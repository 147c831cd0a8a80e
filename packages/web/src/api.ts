/**
 * The web app's only way to the server: JSON over HTTP with the institution's credential (`Bearer <id>.<secret>`).
 * The token is handed to a screen once in the URL fragment (`/kiosk#token=…`, never sent to the server in a URL)
 * and kept in this tab's sessionStorage (decision 0105).
 */

/** A message in both languages (glossary: Bilingual). */
export interface Bilingual {
  ja: string;
  en: string;
}

/** A coded error from the server. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Bilingual,
  ) {
    super(code);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'onshi.token';

/** Takes a token from the URL fragment (then removes it from the address bar), else the stored one. */
export function loadToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match?.[1] !== undefined) {
    const token = decodeURIComponent(match[1]);
    window.sessionStorage.setItem(TOKEN_KEY, token);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return token;
  }
  return window.sessionStorage.getItem(TOKEN_KEY);
}

/** Stores a token typed in by staff. */
export function saveToken(token: string): void {
  window.sessionStorage.setItem(TOKEN_KEY, token.trim());
}

/** The institution code inside an institution token (`institution:<code>.<secret>`). */
export function institutionOfToken(token: string): string | null {
  const match = /^institution:(\d{10})\./.exec(token);
  return match?.[1] ?? null;
}

function errorOf(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null) {
    const error: unknown = Reflect.get(body, 'error');
    if (typeof error === 'object' && error !== null) {
      const code: unknown = Reflect.get(error, 'code');
      const message: unknown = Reflect.get(error, 'message');
      const ja: unknown = typeof message === 'object' && message !== null ? Reflect.get(message, 'ja') : undefined;
      const en: unknown = typeof message === 'object' && message !== null ? Reflect.get(message, 'en') : undefined;
      return new ApiError(status, typeof code === 'string' ? code : 'ERROR', {
        ja: typeof ja === 'string' ? ja : 'エラーが発生しました',
        en: typeof en === 'string' ? en : 'An error occurred',
      });
    }
  }
  return new ApiError(status, 'NETWORK', { ja: '通信できませんでした', en: 'The server could not be reached' });
}

/** One JSON call; a coded error becomes an ApiError. */
export async function call<T>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        ...headers,
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw errorOf(0, null);
  }
  if (response.status === 204) {
    return undefined as T;
  }
  const parsed: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw errorOf(response.status, parsed);
  }
  return parsed as T;
}

/**
 * Server-Sent Events over fetch (an EventSource cannot send the Authorization header): calls `onEvent` for each
 * `event:`/`data:` block until `signal` aborts.
 */
export async function streamEvents(
  token: string,
  path: string,
  onEvent: (event: string, data: string, id: string | null) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` }, signal });
  if (!response.ok || response.body === null) {
    throw errorOf(response.status, await response.json().catch(() => null));
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let id: string | null = null;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) {
          event = line.slice(7);
        } else if (line.startsWith('id: ')) {
          id = line.slice(4);
        } else if (line.startsWith('data: ')) {
          data.push(line.slice(6));
        }
      }
      if (data.length > 0) {
        onEvent(event, data.join('\n'), id);
      }
      end = buffer.indexOf('\n\n');
    }
  }
}
