import type { CopayRateValue, Scheme } from '@onshi/core';

/**
 * Input shapes of the documents an insurer sends (documents-and-screens.md §1–2). Plain data, already decided by
 * the rules engine and the store: rendering prints, it does not judge. Dates are ISO 'YYYY-MM-DD' strings.
 */

/**
 * 制度 (core `Scheme`, named by the 法別番号 of the insurer number). It decides what is printed: 後期 has a
 * 被保険者番号 instead of 記号・番号・枝番, and 国保 under 70 prints 「法定負担割合のとおり」
 * (documents-and-screens.md §1.2).
 */
export type DocumentScheme = Scheme;

/** 一部負担金割合 as printed: 1割, 2割 or 3割 (core `CopayRateValue`, rules.md §2). */
export type CopayRate = CopayRateValue;

/** 保険者: the sender. `number` is the 保険者番号 as printed (8 digits; 国保 6), with a valid 検証番号. */
export interface DocumentInsurer {
  number: string;
  name: string;
  /** 所在地, printed on the back of the 資格確認書 and at the foot of the お知らせ. */
  address?: string;
  /** 問い合わせ先 telephone, e.g. '03-1234-5678'. */
  phone?: string;
}

/** 記号・番号・枝番 (rules.md §1.2); for 後期 only `number` (the 8-digit 被保険者番号). */
export interface MemberNumbers {
  /** 記号; absent for 後期 and for insurers that use none. */
  symbol?: string;
  /** 番号, or the 後期 被保険者番号. */
  number: string;
  /** 枝番: 2 half-width digits, absent on old records and for 後期. */
  branch?: string;
}

/** Where the お知らせ is posted (window envelope block). Optional: the insurer may hand it over instead. */
export interface MailingAddress {
  postalCode: string;
  address: string;
  /** 被保険者氏名: the notice of a dependant is addressed to the insured person. */
  addresseeName: string;
}

/**
 * 資格情報のお知らせ (qualificationNotice), laid out like the 協会けんぽ sample in seed 003. It never carries the
 * 12-digit My Number: only its last four digits (CONTRIBUTING.md, privacy).
 */
export interface QualificationNoticeData {
  scheme: DocumentScheme;
  insurer: DocumentInsurer;
  member: MemberNumbers;
  /** 氏名 */
  nameKanji: string;
  /** フリガナ (katakana) */
  nameKana: string;
  birthDate: string;
  /** 資格取得年月日 */
  acquiredOn: string;
  /** 負担割合 as of `asOf`. */
  copayRate: CopayRate;
  /** The date the stated information holds on: 「令和X年X月X日時点」. */
  asOf: string;
  /** 交付日 printed in the header. */
  issuedOn: string;
  /** お問い合わせ番号, e.g. '00-00000000-00000000-00' (digits and hyphens). */
  inquiryNumber: string;
  /** マイナンバー下4桁 (`individualNumberLast4`). */
  individualNumberLast4: string;
  /**
   * 有効期限: only the 70–74 (高齢受給者) and 後期 notices carry one (documents-and-screens.md §2); must be
   * absent otherwise.
   */
  validTo?: string;
  /** QR payload: an https URL with no personal data, e.g. the マイナポータル address. ASCII only. */
  portalUrl: string;
  mailing?: MailingAddress;
  /** PDF creation date (metadata); defaults to 00:00 JST of `issuedOn` so output never depends on the clock. */
  createdAt?: Date;
}

/** 限度額適用区分 as printed on the 資格確認書 (任意記載事項), e.g. 「区ウ」, 「現役並みⅡ」, 「区Ⅱ」. */
export interface PrintedLimitCategory {
  label: string;
  /** 発効期日 */
  validFrom: string;
}

/** 特定疾病 as printed (任意記載事項), e.g. 「人工透析」 with its 自己負担限度額, printed 「10,000円」. */
export interface PrintedSpecificDisease {
  label: string;
  /** 自己負担限度額 in yen per month (10,000 or 20,000). */
  selfPayLimit: number;
}

/** 一部負担金の割合 with its 発効期日; `previous` prints 「2割（令和7年7月31日までは3割）」 (documents-and-screens.md §1.2). */
export interface PrintedCopay {
  rate: CopayRate;
  validFrom: string;
  previous?: { rate: CopayRate; validTo: string };
}

/** 性別 as printed on the 資格確認書. */
export type PrintedSex = 'male' | 'female';

/**
 * 資格確認書 (eligibilityCertificate): front and back of a card (documents-and-screens.md §1). Optional fields
 * (限度区分, 長期入院, 特定疾病) print "*" when not applied for.
 */
export interface EligibilityCertificateData {
  scheme: DocumentScheme;
  insurer: DocumentInsurer;
  member: MemberNumbers;
  /** 本人/家族 for 被用者保険 (printed 被保険者 / 被扶養者); ignored for 国保 and 後期, where everyone is insured. */
  relationship?: 'insured' | 'dependant';
  nameKanji: string;
  nameKana?: string;
  sex: PrintedSex;
  birthDate: string;
  /** 交付年月日 */
  issuedOn: string;
  /** 有効期限 (≤ 5 years after 交付, chosen by the insurer). */
  validTo: string;
  /** 資格取得年月日 */
  acquiredOn: string;
  /**
   * Required from 70 and for 後期; must be absent under 70 (国保 prints 「法定負担割合のとおり」, 被用者保険
   * prints no rate, as on the old 保険証).
   */
  copay?: PrintedCopay;
  limitCategory?: PrintedLimitCategory;
  /** 長期入院該当日 */
  longTermOn?: string;
  specificDisease?: PrintedSpecificDisease;
  /** 住所 on the back; left blank for the holder to fill in when absent. */
  address?: string;
  /** Card colour set by the insurer for this issue ('#rrggbb'); a pale tint per scheme when absent. */
  color?: string;
  createdAt?: Date;
}

/** One document of a batch. `fileStem` names its own PDF in `renderEach` (ASCII, no personal data). */
export type DocumentRequest =
  | { kind: 'qualificationNotice'; data: QualificationNoticeData; fileStem?: string }
  | { kind: 'eligibilityCertificate'; data: EligibilityCertificateData; fileStem?: string };
