import { institutionCodeCheckDigit } from '@onshi/core';
import type { AuditLog } from '../../packages/server/src/audit/auditLog.js';
import type { ServerContext } from '../../packages/server/src/context.js';
import { holderFaceSeed, issueCard } from '../../packages/server/src/commands/authority/issueCard.js';
import type { WalletCard, WalletFile } from '../../packages/server/src/commands/reader/wallet.js';
import type { CardKind, ConsentItem, Person, Qualification } from '../../packages/server/src/store/types.js';

/*
 * A small population for the browser tests, written through the store and the card authority's own issueCard
 * (real chips, real certificates), plus the kiosk's demo wallet. Dates are relative to the test day 2026-04-01.
 */

/** The PIN every wallet card was issued with (a test fixture, never a real PIN). */
export const WALLET_PIN = '1234';
export const INSURER_NUMBER = '01130012';

/** Who is in the wallet, by test role. */
export type Role =
  | 'pinHappy'
  | 'faceHappy'
  | 'toBeLocked'
  | 'faceOnly'
  | 'dvFlag'
  | 'graceCertificate'
  | 'graceOver'
  | 'lostQualification'
  | 'drugsOnly'
  | 'android';

interface PersonSpec {
  role: Role;
  name: string;
  kana: string;
  birthDate: string;
  number: string;
  kind: CardKind;
  /** Day the card was issued: the certificate runs to the 5th birthday after it (rules.md §4). */
  issuedOn: string;
  label: { ja: string; en: string };
  lostOn?: string;
}

const PEOPLE: readonly PersonSpec[] = [
  {
    role: 'pinHappy',
    name: '山田 花子',
    kana: 'ヤマダ ハナコ',
    birthDate: '1968-07-14',
    number: '101',
    kind: 'standard',
    issuedOn: '2023-05-01',
    label: { ja: '山田 花子（マイナンバーカード）', en: 'Hanako Yamada (My Number Card)' },
  },
  {
    role: 'faceHappy',
    name: '佐藤 一郎',
    kana: 'サトウ イチロウ',
    birthDate: '1955-11-03',
    number: '102',
    kind: 'standard',
    issuedOn: '2023-06-01',
    label: { ja: '佐藤 一郎（マイナンバーカード）', en: 'Ichiro Sato (My Number Card)' },
  },
  {
    role: 'toBeLocked',
    name: '鈴木 次郎',
    kana: 'スズキ ジロウ',
    birthDate: '1980-02-20',
    number: '103',
    kind: 'standard',
    issuedOn: '2023-07-01',
    label: { ja: '鈴木 次郎（マイナンバーカード）', en: 'Jiro Suzuki (My Number Card)' },
  },
  {
    role: 'faceOnly',
    name: '高橋 さくら',
    kana: 'タカハシ サクラ',
    birthDate: '1942-04-18',
    number: '104',
    kind: 'faceOnly',
    issuedOn: '2024-01-10',
    label: { ja: '高橋 さくら（顔認証マイナンバーカード）', en: 'Sakura Takahashi (face-only card)' },
  },
  {
    role: 'dvFlag',
    name: '田中 美香',
    kana: 'タナカ ミカ',
    birthDate: '1985-09-09',
    number: '105',
    kind: 'standard',
    issuedOn: '2023-08-01',
    label: { ja: '田中 美香（マイナンバーカード）', en: 'Mika Tanaka (My Number Card)' },
  },
  {
    role: 'graceCertificate',
    name: '伊藤 正',
    kana: 'イトウ タダシ',
    birthDate: '1960-02-10',
    number: '106',
    kind: 'standard',
    issuedOn: '2021-06-01',
    label: { ja: '伊藤 正（証明書の期限切れ・猶予中）', en: 'Tadashi Ito (certificate expired, in grace)' },
  },
  {
    role: 'graceOver',
    name: '渡辺 実',
    kana: 'ワタナベ ミノル',
    birthDate: '1958-01-15',
    number: '107',
    kind: 'standard',
    issuedOn: '2020-06-01',
    label: { ja: '渡辺 実（証明書の期限切れ・猶予終了）', en: 'Minoru Watanabe (certificate expired, grace over)' },
  },
  {
    role: 'lostQualification',
    name: '中村 健',
    kana: 'ナカムラ ケン',
    birthDate: '1990-12-01',
    number: '108',
    kind: 'standard',
    issuedOn: '2023-09-01',
    lostOn: '2026-03-01',
    label: { ja: '中村 健（資格喪失）', en: 'Ken Nakamura (insurance ended)' },
  },
  {
    role: 'drugsOnly',
    name: '小林 恵',
    kana: 'コバヤシ メグミ',
    birthDate: '1962-03-30',
    number: '109',
    kind: 'standard',
    issuedOn: '2023-10-01',
    label: { ja: '小林 恵（マイナンバーカード）', en: 'Megumi Kobayashi (My Number Card)' },
  },
];

/** A person of the population, with the keys a clinic types. */
export interface Member {
  person: Person;
  qualification: Qualification;
  symbol: string;
  number: string;
  branch: string;
}

/** The seeded world. */
export interface Population {
  institutionCode: string;
  members: Record<Role, Member>;
  /** A 資格確認書 holder (no card): lookup by number. */
  certificateHolder: Member;
  wallet: WalletFile;
}

async function addMember(
  ctx: ServerContext,
  spec: { name: string; kana: string; birthDate: string; number: string; lostOn?: string },
): Promise<Member> {
  const store = ctx.store;
  const person = await store.persons.insert({
    nameKanji: spec.name,
    nameKana: spec.kana,
    birthDate: spec.birthDate,
    sex: 'female',
    address: '東京都新宿区西新宿2-8-1',
    postalCode: '163-8001',
    prefecture: '13',
  });
  const qualification = await store.qualifications.insert({
    personId: person.id,
    insurerNumber: INSURER_NUMBER,
    symbol: '5001',
    number: spec.number,
    branch: '00',
    relationship: 'insured',
    insuredQualificationId: null,
    acquiredOn: '2015-04-01',
    lostOn: spec.lostOn ?? null,
    lossReason: spec.lostOn === undefined ? null : '99',
    cardClassification: '01',
  });
  await store.qualifications.setAttribute({
    kind: 'copayRate',
    qualificationId: qualification.id,
    validFrom: '2015-04-01',
    recordedAt: '2015-04-01T00:00:00.000Z',
    rate: 0.3,
  });
  await store.qualifications.setAttribute({
    kind: 'limitCategory',
    qualificationId: qualification.id,
    validFrom: '2025-04-01',
    recordedAt: '2025-04-01T00:00:00.000Z',
    category: 'A03',
    certificateClassification: null,
    issuedOn: null,
    longTermOn: null,
  });
  return { person, qualification, symbol: '5001', number: spec.number, branch: '00' };
}

/** Seeds the institution, the members, their cards (card authority) and the demo wallet. */
export async function seedPopulation(ctx: ServerContext, audit: AuditLog): Promise<Population> {
  const first9 = '131100001';
  const institutionCode = `${first9}${String(institutionCodeCheckDigit(first9))}`;
  const enabled: ConsentItem[] = ['medication', 'checkup'];
  await ctx.store.institutions.upsert({
    institutionCode,
    name: 'オンシ内科クリニック',
    kind: 'clinic',
    prefecture: '13',
    address: '東京都千代田区丸の内1-1',
    oqsEnabled: true,
    readerStatus: 'working',
    consentItemsEnabled: enabled,
    smartphoneReader: true,
  });
  await ctx.store.insurers.upsert({
    insurerNumber: INSURER_NUMBER,
    name: '全国健康保険協会 東京支部',
    scheme: 'kyokai',
    prefecture: '13',
    branch: '東京',
  });
  const deps = { ctx, audit, actorId: 'e2e-seed' };
  const members = {} as Record<Role, Member>;
  const cards: WalletCard[] = [];
  for (const spec of PEOPLE) {
    const member = await addMember(ctx, spec);
    members[spec.role] = member;
    const issued = await ctx.store.transaction((tx) =>
      issueCard(deps, tx, {
        personId: member.person.id,
        kind: spec.kind,
        ...(spec.kind === 'standard'
          ? { pins: { authentication: WALLET_PIN, signing: 'ABC123', cardInfo: WALLET_PIN } }
          : {}),
        issuedOn: spec.issuedOn,
        registerInsuranceUse: 'reader',
      }),
    );
    cards.push({
      id: spec.role,
      label: spec.label,
      holderFaceSeed: holderFaceSeed(member.person.id),
      image: issued.image,
    });
  }
  // An Android phone carrying the drugs-only member's スマホ用電子証明書 (rules.md §4 Smartphone).
  const androidHolder = await addMember(ctx, {
    name: '加藤 翼',
    kana: 'カトウ ツバサ',
    birthDate: '1995-06-06',
    number: '110',
  });
  members.android = androidHolder;
  const physical = await ctx.store.transaction((tx) =>
    issueCard(deps, tx, {
      personId: androidHolder.person.id,
      kind: 'standard',
      pins: { authentication: WALLET_PIN, signing: 'ABC123', cardInfo: WALLET_PIN },
      issuedOn: '2024-02-01',
      registerInsuranceUse: 'reader',
    }),
  );
  const phone = await ctx.store.transaction((tx) =>
    issueCard(deps, tx, {
      personId: androidHolder.person.id,
      kind: 'smartphone',
      platform: 'android',
      pins: { authentication: '2468' },
      linkedCardId: physical.card.id,
      issuedOn: '2025-10-01',
    }),
  );
  if (phone.phone !== null) {
    cards.push({
      id: 'android',
      label: { ja: '加藤 翼（Android）', en: 'Tsubasa Kato (Android)' },
      holderFaceSeed: holderFaceSeed(androidHolder.person.id),
      image: phone.phone,
    });
  }
  cards.push({
    id: 'pointCard',
    label: { ja: 'ポイントカード（マイナンバーカード以外）', en: 'A point card (not a My Number Card)' },
    holderFaceSeed: 'nobody',
    image: null,
  });
  await ctx.store.dvFlags.set({
    personId: members.dvFlag.person.id,
    flag: 'selfInfoBlocked',
    setOn: '2025-01-01',
    setBy: INSURER_NUMBER,
  });
  for (const role of ['drugsOnly', 'pinHappy'] as const) {
    const personId = members[role].person.id;
    await ctx.store.clinicalRecords.insert({
      personId,
      kind: 'medication',
      date: '2026-02-10',
      institutionCode: null,
      claimId: null,
      code: '620004422',
      name: 'アムロジピン錠5mg',
      detail: { quantity: '28', unit: '錠', usage: '1日1回朝食後' },
    });
    await ctx.store.clinicalRecords.insert({
      personId,
      kind: 'checkup',
      date: '2025-10-01',
      institutionCode: null,
      claimId: null,
      code: '3F015000002327101',
      name: 'HbA1c',
      detail: { value: '5.9', unit: '%' },
    });
  }
  const certificateHolder = await addMember(ctx, {
    name: '松本 和子',
    kana: 'マツモト カズコ',
    birthDate: '1950-08-08',
    number: '120',
  });
  return { institutionCode, members, certificateHolder, wallet: { format: 'onshi-demo-wallet/1', cards } };
}
