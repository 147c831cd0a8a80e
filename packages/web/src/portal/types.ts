import type { Bilingual } from '../api.js';

/** Shapes of the /portal/v1 answers the screens read (see packages/server/src/routes/portal/schemas.ts). */
export interface DemoCard {
  id: string;
  label: Bilingual;
}
export type DemoLogin =
  | { token: string; expiresAt: string; cardKind: string }
  | { refused: true; code: string; message: Bilingual; remainingTries: number | null };
export interface RegistrationStatus {
  registered: boolean;
  registeredOn: string | null;
  channel: string | null;
  message: Bilingual;
}
export interface Unregistration {
  status: RegistrationStatus;
  message: Bilingual;
}
export interface QualificationView {
  qualificationId: string;
  insurerNumber: string;
  insurerName: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  acquiredOn: string;
  current: boolean;
  copayRate: number | null;
  limitCategory: { code: string; label: string } | null;
}
export interface Qualifications {
  current: QualificationView[];
  all: QualificationView[];
  message: Bilingual;
}
export interface MyInformation {
  nameKanji: string;
  birthDateWareki: string;
  registration: RegistrationStatus;
  qualifications: QualificationView[];
  notice: Bilingual;
}
export interface MedicalExpenses {
  year: number;
  lines: {
    month: string;
    monthLabel: string;
    category: string;
    institutionName: string;
    totalCost: number;
    copayAmount: number;
  }[];
  totals: { totalCost: number; copayAmount: number };
  message: Bilingual;
}
export interface AccessHistory {
  entries: {
    at: string;
    institutionCode: string;
    institutionName: string | null;
    what: Bilingual;
    consentItems: string | null;
  }[];
  message: Bilingual;
}
export interface Notice {
  kind: string;
  on: string;
  message: Bilingual;
}
export interface WhatToBring {
  date: string;
  answer: Bilingual;
}
/** A 代理人 grant as the portal lists it: the other person's name, when it began and ended. */
export interface ProxyGrant {
  grantId: string;
  grantedAt: string;
  revokedAt: string | null;
  otherName: string;
}
export interface Proxies {
  /** Who may act for me. */
  myProxies: ProxyGrant[];
  /** Whom I may act for. */
  actingFor: ProxyGrant[];
}
export interface ProxyInvitation {
  code: string;
  expiresAt: string;
}
