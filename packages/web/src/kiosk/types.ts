import type { Bilingual } from '../api.js';

/* Shapes of the reader bridge's answers (/reader/v1; server routes/reader/schemas.ts). */

export type ConsentItem = 'medication' | 'surgery' | 'checkup';
export type AuthMethod = 'face' | 'pin' | 'device';

export interface PatientScreen {
  outcome: 'accepted' | 'refused';
  code: string;
  title: Bilingual;
  message: Bilingual;
  nextStep: Bilingual;
}

export interface KioskStatus {
  institutionCode: string;
  institutionName: string;
  readerStatus: 'working' | 'outOfOrder';
  consentItemsEnabled: ConsentItem[];
  smartphoneReader: boolean;
}

export interface WalletEntry {
  id: string;
  label: Bilingual;
  kind: 'standard' | 'faceOnly' | 'smartphone' | 'other';
  platform: 'android' | 'iphone' | null;
}

export interface SessionStart {
  ok: boolean;
  sessionId?: string;
  kind?: string;
  platform?: 'android' | 'iphone' | null;
  methods?: AuthMethod[];
  pinRemainingTries?: number | null;
  certificate?: 'valid' | 'expiringSoon' | 'expired';
  certificateExpiresOn?: string;
  screen?: PatientScreen;
}

export interface AuthStep {
  ok: boolean;
  method?: AuthMethod;
  retry?: boolean;
  remainingTries?: number | null;
  message?: Bilingual;
  screen?: PatientScreen;
}

export interface FinishResult {
  screen: PatientScreen;
  confirmationId: string | null;
}

export type ConsentAnswer = { blanket: true } | { items: ConsentItem[] };
