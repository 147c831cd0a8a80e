import { createContext, useContext } from 'react';
import type { Bilingual } from './api.js';

/** Japanese first, English on request (architecture.md: i18n). */
export type Lang = 'ja' | 'en';

/** The language of the screen and its switch. */
export interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
}

export const LangContext = createContext<LangState>({ lang: 'ja', setLang: () => undefined });

/** The current language and a translator for bilingual texts. */
export function useLang(): LangState & { t: (text: Bilingual) => string } {
  const state = useContext(LangContext);
  return { ...state, t: (text) => text[state.lang] };
}

/** A bilingual literal. */
export function bi(ja: string, en: string): Bilingual {
  return { ja, en };
}
