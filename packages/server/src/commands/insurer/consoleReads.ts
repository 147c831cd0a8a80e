import { foldWidth } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import { appErrorEntry } from '../../http/errors.js';
import type {
  CardKind,
  CardStatus,
  DvFlag,
  Qualification,
  RegistrationChannel,
  Relationship,
  StoreRepositories,
} from '../../store/types.js';
import { type InsurerDeps, type InsurerPrincipal, actorOf, insurerOf, today } from './access.js';
import { requireDate } from './checks.js';

/**
 * What the insurer console (issue 9) reads beyond the insurer API: a search that also finds members by カナ氏名 and
 * birth date and lists a household together, and one member's surroundings — dependants, the card and its
 * 健康保険証利用登録, and DV flags only as set / not set (rules.md §8 [S35]: staff see that a flag is in force,
 * never why). Reads are audited like every look at personal data.
 */

/** The console's own coded errors. */
export const CONSOLE_ERRORS = {
  emptySearch: appErrorEntry(
    'ONSHI-E-INSURER-SEARCH-EMPTY',
    422,
    '記号・番号、カナ氏名、生年月日のいずれかを入力してください。',
    'Enter a symbol and number, a kana name or a birth date.',
    'GET /insurer/v1/console/members needs number, nameKana or birthDate (symbol goes with number).',
  ),
};

/** A member as the console's result list shows it: the key fields and who the person is. */
export interface MemberFound {
  memberId: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  relationship: Relationship;
  acquiredOn: string;
  lostOn: string | null;
  nameKanji: string;
  nameKana: string;
  birthDate: string;
}

/** The console's search criteria; every given one must match. */
export interface ConsoleSearch {
  symbol?: string;
  number?: string;
  nameKana?: string;
  birthDate?: string;
  limit: number;
}

/** Hiragana typed by staff is matched as katakana (カナ氏名 is stored in katakana). */
function toKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

async function found(repos: StoreRepositories, q: Qualification): Promise<MemberFound> {
  const person = await repos.persons.get(q.personId);
  if (person === null) {
    throw new Error('qualification without a person');
  }
  return {
    memberId: q.id,
    symbol: q.symbol,
    number: q.number,
    branch: q.branch,
    relationship: q.relationship,
    acquiredOn: q.acquiredOn,
    lostOn: q.lostOn,
    nameKanji: person.nameKanji,
    nameKana: person.nameKana,
    birthDate: person.birthDate,
  };
}

/**
 * The principal's members matching 記号・番号 (any 枝番; half- or full-width, rules.md §1.2), a カナ氏名 prefix
 * (hiragana or half-width kana accepted, spaces ignored) and/or a birth date.
 */
export async function searchConsoleMembers(
  deps: InsurerDeps,
  principal: InsurerPrincipal,
  search: ConsoleSearch,
): Promise<{ members: MemberFound[] }> {
  const number = search.number === undefined ? '' : foldWidth(search.number);
  const nameKana = search.nameKana === undefined ? '' : toKatakana(foldWidth(search.nameKana)).replace(/\s/g, '');
  const birthDate = search.birthDate === undefined ? undefined : requireDate('birthDate', search.birthDate);
  if (number === '' && nameKana === '' && birthDate === undefined) {
    throw new AppError(CONSOLE_ERRORS.emptySearch);
  }
  const { store } = deps.ctx;
  const insurer = await insurerOf(store, principal);
  const rows = await store.qualifications.search({
    insurerNumber: insurer.insurerNumber,
    ...(number === '' ? {} : { number, symbol: search.symbol ?? null }),
    ...(nameKana === '' ? {} : { nameKanaPrefix: nameKana }),
    ...(birthDate === undefined ? {} : { birthDate }),
    limit: search.limit,
  });
  const members: MemberFound[] = [];
  for (const q of rows) {
    members.push(await found(store, q));
  }
  await deps.audit.append({
    ...actorOf(principal),
    action: 'insurer.member.search',
    personId: null,
    target: `insurer:${insurer.insurerNumber}`,
    outcome: 'allowed',
    detail: { results: members.length },
  });
  return { members };
}

/** One of the person's cards, without anything from the chip. */
export interface CardState {
  kind: CardKind;
  status: CardStatus;
  issuedOn: string;
  expiresOn: string;
}

/** 健康保険証利用登録 in force on the day asked about. */
export interface RegistrationState {
  registeredOn: string;
  channel: RegistrationChannel;
}

/** What the member page shows around the member record. */
export interface MemberSurroundings {
  memberId: string;
  asOf: string;
  /** The insured member's dependants (for a dependant: their insured member's other dependants are not listed). */
  dependants: MemberFound[];
  /** The insured member, for a dependant. */
  insured: MemberFound | null;
  cards: CardState[];
  registration: RegistrationState | null;
  /** Whether each flag is in force on `asOf` — nothing else about it. */
  dvFlags: Record<DvFlag, boolean>;
}

/** The member's dependants, insured member, cards, 利用登録 and DV flags as set / not set on `asOf` (default today). */
export async function memberSurroundings(
  deps: InsurerDeps,
  principal: InsurerPrincipal,
  q: Qualification,
  asOf?: string,
): Promise<MemberSurroundings> {
  const { store } = deps.ctx;
  const on = asOf === undefined ? today(deps.ctx) : requireDate('asOf', asOf);
  const dependants: MemberFound[] = [];
  for (const d of await store.qualifications.dependantsOf(q.id)) {
    dependants.push(await found(store, d));
  }
  const insuredQ = q.insuredQualificationId === null ? null : await store.qualifications.get(q.insuredQualificationId);
  const cards = (await store.cards.listByPerson(q.personId)).map((c) => ({
    kind: c.kind,
    status: c.status,
    issuedOn: c.issuedOn,
    expiresOn: c.expiresOn,
  }));
  const registration = await store.cards.registrationOn(q.personId, on);
  const active = await store.dvFlags.activeOn(q.personId, on);
  await deps.audit.append({
    ...actorOf(principal),
    action: 'insurer.member.surroundings',
    personId: q.personId,
    target: `qualification:${q.id}`,
    outcome: 'allowed',
    detail: {},
  });
  return {
    memberId: q.id,
    asOf: on,
    dependants,
    insured: insuredQ === null ? null : await found(store, insuredQ),
    cards,
    registration:
      registration === null ? null : { registeredOn: registration.registeredOn, channel: registration.channel },
    dvFlags: { selfInfoBlocked: active.includes('selfInfoBlocked'), nonDisclosure: active.includes('nonDisclosure') },
  };
}
