/**
 * Test factories for the OQS confirmation service: a card authority with its trust configured on a server, an
 * institution with its credential, members with qualifications, cards issued through the authority's real chip
 * personalisation, and readers with their own certificates. Used by the OQS HTTP tests (and the bulk tests).
 */
import { generateKeyPairSync } from 'node:crypto';
import { CardReader, SimulatedCamera, VirtualChip, enrolFace, faceFromSeed, type FaceVector } from '@onshi/card';
import { institutionCodeCheckDigit } from '@onshi/core';
import { RevocationList, TrustStore, endOfTokyoDay, startOfTokyoDay } from '../authority/index.js';
import type { CardAuthority, RevocationEntry } from '../authority/index.js';
import { configureCardTrust } from '../commands/oqs/cardTrust.js';
import type { ServerContext } from '../context.js';
import type {
  Card,
  CardKind,
  Certificate,
  ConsentItem,
  CopayRate,
  Institution,
  Person,
  Qualification,
} from '../store/types.js';

/** A valid 医療機関コード for prefecture/table/serial (check digit computed by the core rule). */
export function institutionCodeFor(prefecture = '13', table: '1' | '3' | '4' = '1', serial = '100001'): string {
  const first9 = `${prefecture}${table}${serial}`;
  return `${first9}${institutionCodeCheckDigit(first9)}`;
}

/** Sets the trust (roots, issuing CA, a fresh CRL listing `revoked`) of a server to this authority. */
export async function trustAuthority(
  ctx: ServerContext,
  authority: CardAuthority,
  at: Date,
  revoked: readonly RevocationEntry[] = [],
): Promise<void> {
  const trust = TrustStore.create({
    roots: [authority.rootCertificate],
    intermediates: [authority.issuingCertificate],
  });
  const der = await authority.createCrl({
    entries: revoked,
    thisUpdate: new Date(at.getTime() - 3_600_000),
    nextUpdate: new Date(at.getTime() + 400 * 86_400_000),
    crlNumber: revoked.length + 1,
  });
  const crl = await RevocationList.load(der, trust);
  if (crl === undefined) {
    throw new Error('test CRL did not verify');
  }
  configureCardTrust(ctx, { trust, crls: [crl] });
}

/** Registers an institution directly in the store. */
export async function addInstitution(ctx: ServerContext, overrides: Partial<Institution> = {}): Promise<Institution> {
  const institutionCode = overrides.institutionCode ?? institutionCodeFor();
  return ctx.store.institutions.upsert({
    institutionCode,
    name: 'テスト内科クリニック',
    kind: 'clinic',
    prefecture: institutionCode.slice(0, 2),
    address: '東京都千代田区1-1',
    oqsEnabled: true,
    readerStatus: 'working',
    consentItemsEnabled: ['medication', 'checkup'] satisfies ConsentItem[],
    smartphoneReader: false,
    ...overrides,
  });
}

/** What a member factory call may set. */
export interface MemberOptions {
  personId?: string;
  nameKanji?: string;
  nameKana?: string;
  birthDate?: string;
  address?: string;
  postalCode?: string;
  prefecture?: string;
  insurerNumber?: string;
  insurerName?: string;
  symbol?: string | null;
  number?: string;
  branch?: string | null;
  relationship?: 'insured' | 'dependant';
  acquiredOn?: string;
  lostOn?: string | null;
  copayRate?: CopayRate;
}

/** A person with one qualification (and its 負担割合 from acquisition), its insurer registered. */
export async function addMember(
  ctx: ServerContext,
  options: MemberOptions = {},
): Promise<{ person: Person; qualification: Qualification }> {
  const insurerNumber = options.insurerNumber ?? '01130012';
  if ((await ctx.store.insurers.get(insurerNumber)) === null) {
    await ctx.store.insurers.upsert({
      insurerNumber,
      name: options.insurerName ?? '全国健康保険協会 東京支部',
      scheme: insurerNumber.length === 6 ? 'kokuho' : 'kyokai',
      prefecture: '13',
      branch: null,
    });
  }
  const person =
    options.personId !== undefined
      ? await ctx.store.persons.get(options.personId)
      : await ctx.store.persons.insert({
          nameKanji: options.nameKanji ?? '山田 太郎',
          nameKana: options.nameKana ?? 'ヤマダ タロウ',
          birthDate: options.birthDate ?? '1980-04-01',
          sex: 'male',
          address: options.address ?? '東京都千代田区霞が関1-2-2',
          postalCode: options.postalCode ?? '100-0013',
          prefecture: options.prefecture ?? '13',
        });
  if (person === null) {
    throw new Error('no such person');
  }
  const acquiredOn = options.acquiredOn ?? '2020-04-01';
  const qualification = await ctx.store.qualifications.insert({
    personId: person.id,
    insurerNumber,
    symbol: options.symbol === undefined ? '1234' : options.symbol,
    number: options.number ?? '567',
    branch: options.branch === undefined ? '00' : options.branch,
    relationship: options.relationship ?? 'insured',
    insuredQualificationId: null,
    acquiredOn,
    lostOn: options.lostOn ?? null,
    lossReason: options.lostOn ? '03' : null,
    cardClassification: '01',
  });
  await ctx.store.qualifications.setAttribute({
    kind: 'copayRate',
    qualificationId: qualification.id,
    validFrom: acquiredOn,
    recordedAt: '2020-01-01T00:00:00.000Z',
    rate: options.copayRate ?? 0.3,
  });
  return { person, qualification };
}

/** A card as the tests hold it: the chip, the store rows, and the holder's face. */
export interface TestCard {
  chip: VirtualChip;
  card: Card;
  certificate: Certificate;
  face: FaceVector;
}

/**
 * Issues a card through the authority (chip keys generated inside, certificates signed by the issuing CA), links its
 * 利用者証明用 certificate to the person in the store, and registers it for insurance use unless told not to.
 */
export async function issueTestCard(
  ctx: ServerContext,
  authority: CardAuthority,
  personId: string,
  options: {
    kind?: CardKind;
    issuedOn?: string;
    /** Last valid day of the 電子証明書 (default 2030-04-01). */
    certificateExpiresOn?: string;
    cardExpiresOn?: string;
    registered?: boolean;
    faceSeed?: string;
  } = {},
): Promise<TestCard> {
  const issuedOn = options.issuedOn ?? '2021-04-01';
  const certificateExpiresOn = options.certificateExpiresOn ?? '2030-04-01';
  const faceSeed = options.faceSeed ?? personId;
  const face = faceFromSeed(faceSeed);
  const kind = options.kind ?? 'standard';
  const issued = await authority.issueCard({
    kind,
    pins: kind === 'faceOnly' ? {} : { authentication: '1234', signing: 'ABC123', cardInfo: '5678' },
    faceTemplate: enrolFace(face, faceSeed),
    notBefore: startOfTokyoDay(issuedOn),
    notAfter: endOfTokyoDay(certificateExpiresOn),
  });
  const card = await ctx.store.cards.insert({
    id: issued.cardId,
    personId,
    kind,
    platform: null,
    issuedOn,
    expiresOn: options.cardExpiresOn ?? '2031-04-01',
    status: 'active',
    statusChangedOn: null,
  });
  const certificate = await ctx.store.certificates.insert(
    {
      serial: issued.authCertificate.serial.toLowerCase(),
      cardId: card.id,
      kind: 'auth',
      notBefore: issued.authCertificate.notBefore.toISOString(),
      notAfter: issued.authCertificate.notAfter.toISOString(),
      revokedAt: null,
      revocationReason: null,
      der: issued.authCertificate.der,
    },
    personId,
    `${issuedOn}T00:00:00.000Z`,
  );
  if (options.registered !== false) {
    await ctx.store.cards.register({ personId, cardId: card.id, registeredOn: issuedOn, channel: 'portal' });
  }
  return { chip: VirtualChip.fromImage(issued.image), card, certificate, face };
}

/** A reader of an institution with its own key and a reader certificate from the authority. */
export async function testReader(
  authority: CardAuthority,
  institutionCode: string,
  readerId = 'R-0001',
): Promise<CardReader> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = await authority.issueCertificate({
    profile: 'reader',
    publicKeySpki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2034-01-01T00:00:00Z'),
    readerId,
    institutionCode,
  });
  return new CardReader({
    readerId,
    institutionCode,
    privateKeyPkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
    certificateDer: cert.der,
  });
}

/** The camera at a reader (seeded, reproducible). */
export function testCamera(seed = 'counter'): SimulatedCamera {
  return new SimulatedCamera(seed);
}
