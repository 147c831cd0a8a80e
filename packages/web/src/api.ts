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
  return status === 0
    ? new ApiError(0, 'NETWORK', { ja: '通信できませんでした', en: 'The server could not be reached' })
    : new ApiError(status, 'HTTP', { ja: 'エラーが発生しました', en: 'An error occurred' });
}

/** The coded error of a failed response (its JSON body, if it has one). */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  return errorOf(response.status, await response.json().catch(() => null));
}

/**
 * Reads a streamed body as text and calls `onPart` for each part ending in `separator` (NDJSON lines, SSE blocks)
 * until the stream ends.
 */
async function readParts(
  body: NonNullable<Response['body']>,
  separator: string,
  onPart: (part: string) => void,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end = buffer.indexOf(separator);
    while (end >= 0) {
      onPart(buffer.slice(0, end));
      buffer = buffer.slice(end + separator.length);
      end = buffer.indexOf(separator);
    }
  }
}

/** Reads an NDJSON body, calling `onLine` with each non-empty line parsed. */
export function readJsonLines(body: NonNullable<Response['body']>, onLine: (value: unknown) => void): Promise<void> {
  return readParts(body, '\n', (line) => {
    const text = line.trim();
    if (text !== '') {
      onLine(JSON.parse(text));
    }
  });
}

/**
 * Downloads a file the API serves (a PDF, a CSV) with the credential in the header — a plain link could not carry
 * it — and hands it to the browser, named as the server's `filename*=UTF-8''…` says, else `fallbackName`.
 */
export async function download(
  token: string,
  path: string,
  fallbackName: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const response = await fetch(path, { headers: { ...headers, authorization: `Bearer ${token}` } });
  if (!response.ok) {
    throw await errorFromResponse(response);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename\*=UTF-8''([^;]+)/.exec(disposition);
  const name = match?.[1] !== undefined ? decodeURIComponent(match[1]) : fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
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
    throw await errorFromResponse(response);
  }
  await readParts(response.body, '\n\n', (block) => {
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
  });
}
