/**
 * The kiosk demo wallet (issue 5: "the demo seed issues cards for the seeded people and can write a wallet file the
 * kiosk demo uses to present a card"): real cards issued by the card authority for a chosen mix of people, their
 * chip images (the physical cards) and display labels. File shape: docs/api-authority.md "Demo wallet".
 */
import type { CardImage, SmartphoneImage } from '@onshi/card';
import { FixedClock, addDays, ageOn, birthday, compareDates, insuranceUseGraceEnd, tokyoDate } from '@onshi/core';
import type { Bilingual } from '@onshi/core';
import { AuditLog } from '../../audit/auditLog.js';
import type { ServerContext } from '../../context.js';
import type { Card, Person, StoreTx } from '../../store/types.js';
import { cardAuthorityOf } from './cardAuthority.js';
import { type AuthorityAuditSink, type AuthorityDeps, audited, today } from './deps.js';
import { type IssueCardInput, holderFaceSeed, issueCard } from './issueCard.js';

/** The PINs of every demo card (printed on the labels; a demo, not a secret). */
export const DEMO_PINS = { authentication: '1234', signing: 'ABC123', cardInfo: '1234' } as const;
/** The スマホ用 PIN of the demo Android phone. */
export const DEMO_PHONE_PIN = '5678';

/** The situations the wallet shows, in the order they are handed out. */
export type WalletScenario =
  'standard' | 'faceOnly' | 'android' | 'iphone' | 'certificateInGrace' | 'certificateExpired' | 'selfInfoBlocked';

const MIX: readonly WalletScenario[] = [
  'standard',
  'faceOnly',
  'android',
  'iphone',
  'certificateInGrace',
  'certificateExpired',
  'selfInfoBlocked',
];

/** One card in the wallet (the kiosk's `WalletCard`, plus who and what it is). */
export interface DemoWalletCard {
  id: string;
  label: Bilingual;
  /** Seed of the holder's simulated face (`faceFromSeed`): the person id. */
  holderFaceSeed: string;
  /** The chip image, or the phone image; null for a card that is not a My Number card (a point card). */
  image: CardImage | SmartphoneImage | null;
  personId: string | null;
  scenario: WalletScenario | 'notACard';
  cardId: string | null;
  /** The PINs this card answers to (null: face-only card, iPhone, point card). */
  pins: { authentication: string; signing?: string; cardInfo?: string } | null;
}

/** The wallet file `onshi-demo-wallet/1` (keep it like a wallet: it holds the cards' private keys). */
export interface DemoWallet {
  format: 'onshi-demo-wallet/1';
  createdAt: string;
  asOf: string;
  cards: DemoWalletCard[];
}

/** Options of `issueDemoWallet`. */
export interface DemoWalletOptions {
  /** How many people get cards (the mix above first, then PIN cards). */
  people: number;
  /** The people to use, in order; default: people with a current qualification, found through the insurers. */
  personIds?: readonly string[];
  /** The day the wallet describes (default: today by the context's clock). */
  asOf?: string;
  audit?: AuthorityAuditSink;
  actorId?: string;
}

interface Candidate {
  person: Person;
  blocked: boolean;
}

/** Situations only some people fit are handed out first, so a common one does not take their only person. */
const RANK: Record<WalletScenario, number> = {
  selfInfoBlocked: 0,
  certificateInGrace: 1,
  certificateExpired: 2,
  faceOnly: 3,
  android: 3,
  iphone: 3,
  standard: 3,
};

/** Who gets which situation: the first `people` of the mix where someone fits, then PIN cards. */
function plan(candidates: readonly Candidate[], people: number, asOf: string): [WalletScenario, Person][] {
  const used = new Set<string>();
  const take = (scenario: WalletScenario): [WalletScenario, Person] | null => {
    const chosen = candidates.find((c) => !used.has(c.person.id) && fits(scenario, c, asOf));
    if (chosen === undefined) {
      return null;
    }
    used.add(chosen.person.id);
    return [scenario, chosen.person];
  };
  const planned: [WalletScenario, Person][] = [];
  for (const scenario of [...MIX.slice(0, people)].sort((a, b) => RANK[a] - RANK[b])) {
    const pick = take(scenario);
    if (pick !== null) {
      planned.push(pick);
    }
  }
  planned.sort((a, b) => MIX.indexOf(a[0]) - MIX.indexOf(b[0]));
  while (planned.length < people) {
    const pick = take('standard');
    if (pick === null) {
      break;
    }
    planned.push(pick);
  }
  return planned;
}

/** Adults with a qualification in force on `asOf`, found insurer by insurer (at most `limit`). */
async function findCandidates(tx: StoreTx, asOf: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const insurer of await tx.insurers.list()) {
    let afterId: string | undefined;
    for (let pages = 0; pages < 5 && ids.length < limit; pages += 1) {
      const page = await tx.qualifications.listByInsurer(insurer.insurerNumber, {
        limit: 200,
        ...(afterId !== undefined ? { afterId } : {}),
      });
      for (const q of page) {
        const current = q.acquiredOn <= asOf && (q.lostOn === null || q.lostOn > asOf);
        if (current && !seen.has(q.personId)) {
          seen.add(q.personId);
          ids.push(q.personId);
        }
      }
      afterId = page.at(-1)?.id;
      if (page.length < 200) {
        break;
      }
    }
    if (ids.length >= limit) {
      break;
    }
  }
  return ids;
}

/** The last birthday before `asOf` whose insurance-use grace `inGrace` says (true: still running; false: over). */
function certificateEnd(birthDate: string, asOf: string, inGrace: boolean): string | null {
  const last = birthday(birthDate, ageOn(birthDate, addDays(asOf, -1)));
  const graceRunning = compareDates(insuranceUseGraceEnd(last), asOf) >= 0;
  if (inGrace) {
    return graceRunning ? last : null;
  }
  return graceRunning ? birthday(birthDate, ageOn(birthDate, last) - 1) : last;
}

/** Issue day whose 5th-birthday certificate ends on `end` (the day after the birthday five years before). */
function issueDayFor(birthDate: string, end: string): string {
  return addDays(birthday(birthDate, ageOn(birthDate, end) - 5), 1);
}

function fits(scenario: WalletScenario, c: Candidate, asOf: string): boolean {
  const age = ageOn(c.person.birthDate, asOf);
  if (scenario === 'selfInfoBlocked') {
    return c.blocked;
  }
  if (c.blocked) {
    return false;
  }
  if (scenario === 'certificateInGrace') {
    return age >= 24 && certificateEnd(c.person.birthDate, asOf, true) !== null;
  }
  if (scenario === 'certificateExpired') {
    return age >= 25;
  }
  return age >= 18 && age < 80;
}

const LABELS: Record<WalletScenario, Bilingual> = {
  standard: { ja: 'マイナンバーカード(暗証番号 1234)', en: 'My Number card (PIN 1234)' },
  faceOnly: { ja: '顔認証マイナンバーカード(暗証番号なし)', en: 'Face-only card (no PIN)' },
  android: { ja: 'スマホ(Android、暗証番号 5678)', en: 'Android phone (PIN 5678)' },
  iphone: { ja: 'iPhone(Face ID)', en: 'iPhone (Face ID)' },
  certificateInGrace: {
    ja: 'マイナンバーカード(電子証明書の有効期限切れ・猶予期間中、暗証番号 1234)',
    en: 'My Number card, certificate expired, in grace (PIN 1234)',
  },
  certificateExpired: {
    ja: 'マイナンバーカード(電子証明書の有効期限切れ・猶予期間経過、暗証番号 1234)',
    en: 'My Number card, certificate expired past grace (PIN 1234)',
  },
  selfInfoBlocked: {
    ja: 'マイナンバーカード(自己情報提供不可、暗証番号 1234)',
    en: 'My Number card, self-information blocked (PIN 1234)',
  },
};

function label(scenario: WalletScenario, person: Person): Bilingual {
  return { ja: `${person.nameKanji} — ${LABELS[scenario].ja}`, en: `${LABELS[scenario].en} [${person.id}]` };
}

/** The person's cards still held (active or suspended), and whether any has real certificates. */
async function heldCards(tx: StoreTx, personId: string): Promise<{ cards: Card[]; certified: boolean }> {
  const cards = (await tx.cards.listByPerson(personId)).filter(
    (c) => c.status === 'active' || c.status === 'suspended',
  );
  for (const card of cards) {
    if ((await tx.certificates.listByCard(card.id)).length > 0) {
      return { cards, certified: true };
    }
  }
  return { cards, certified: false };
}

/** Ends the seeded records of cards that have no certificates (the seed stores card rows only, decision 0086). */
async function retireUncertified(deps: AuthorityDeps, tx: StoreTx, cards: readonly Card[]): Promise<void> {
  for (const card of cards) {
    await tx.cards.setStatus(card.id, 'revoked', today(deps));
    await audited(deps, tx, 'card.replaceUncertified', card.personId, card.id);
  }
}

async function issueFor(
  deps: AuthorityDeps,
  tx: StoreTx,
  scenario: WalletScenario,
  person: Person,
  asOf: string,
): Promise<DemoWalletCard[]> {
  const base = { holderFaceSeed: holderFaceSeed(person.id), personId: person.id, scenario };
  const pinCard: Omit<IssueCardInput, 'personId'> = { kind: 'standard', pins: { ...DEMO_PINS } };
  const register = async (card: Card): Promise<void> => {
    if ((await tx.cards.registrationOn(person.id, asOf)) === null) {
      const channel = card.kind === 'faceOnly' ? 'reader' : 'wardOffice';
      await tx.cards.register({ personId: person.id, cardId: card.id, registeredOn: card.issuedOn, channel });
    }
  };
  const entry = (card: Card, image: CardImage | SmartphoneImage, pins: DemoWalletCard['pins']): DemoWalletCard => ({
    ...base,
    id: `${scenario}-${person.id}`,
    label: label(scenario, person),
    image,
    cardId: card.id,
    pins,
  });
  if (scenario === 'faceOnly') {
    const issued = await issueCard(deps, tx, { personId: person.id, kind: 'faceOnly' });
    await register(issued.card);
    return [entry(issued.card, issued.image, null)];
  }
  if (scenario === 'certificateInGrace' || scenario === 'certificateExpired') {
    const end = certificateEnd(person.birthDate, asOf, scenario === 'certificateInGrace');
    const issuedOn = issueDayFor(person.birthDate, end ?? asOf);
    const issued = await issueCard(deps, tx, { personId: person.id, ...pinCard, issuedOn });
    await register(issued.card);
    if (end !== null && scenario === 'certificateExpired') {
      // Past the grace the registration is cancelled (rules.md §4 [S21][S29]).
      await tx.cards.unregister(person.id, addDays(insuranceUseGraceEnd(end), 1));
    }
    return [entry(issued.card, issued.image, { ...DEMO_PINS })];
  }
  const physical = await issueCard(deps, tx, { personId: person.id, ...pinCard });
  await register(physical.card);
  const first = entry(physical.card, physical.image, { ...DEMO_PINS });
  if (scenario !== 'android' && scenario !== 'iphone') {
    return [first];
  }
  const phone = await issueCard(deps, tx, {
    personId: person.id,
    kind: 'smartphone',
    platform: scenario,
    linkedCardId: physical.card.id,
    ...(scenario === 'android' ? { pins: { authentication: DEMO_PHONE_PIN } } : {}),
  });
  return [
    { ...first, id: `standard-${person.id}`, label: label('standard', person), scenario: 'standard' },
    entry(phone.card, phone.phone ?? phone.image, scenario === 'android' ? { authentication: DEMO_PHONE_PIN } : null),
  ];
}

/**
 * Issues real cards for `options.people` people and returns the kiosk wallet: first one of each situation the
 * kiosk should show (PIN card, face-only card, Android phone, iPhone, certificate in its grace, certificate past
 * grace, a person with the 自己情報提供不可 flag), then PIN cards; plus one point card that is not a My Number
 * card. A chosen person's seeded card rows without certificates are ended and replaced by the real card. One
 * transaction: all or nothing. The seed calls this for `onshi seed --wallet K`; `onshi card wallet` too.
 */
export async function issueDemoWallet(ctx: ServerContext, options: DemoWalletOptions): Promise<DemoWallet> {
  const asOf = options.asOf ?? tokyoDate(ctx.clock.now());
  const at = asOf === tokyoDate(ctx.clock.now()) ? ctx : { ...ctx, clock: new FixedClock(`${asOf}T00:00:00Z`) };
  const deps: AuthorityDeps = {
    ctx: at,
    audit: options.audit ?? new AuditLog(ctx.store, at.clock),
    actorId: options.actorId ?? 'demo-wallet',
  };
  const authority = await cardAuthorityOf(at);
  const cards = await ctx.store.transaction(async (tx) => {
    const ids = options.personIds ?? (await findCandidates(tx, asOf, Math.max(100, options.people * 20)));
    const candidates: Candidate[] = [];
    const held = new Map<string, Card[]>();
    for (const id of ids) {
      const person = await tx.persons.get(id);
      const cards = await heldCards(tx, id);
      if (person !== null && !cards.certified) {
        held.set(id, cards.cards);
        candidates.push({ person, blocked: (await tx.dvFlags.activeOn(id, asOf)).includes('selfInfoBlocked') });
      }
    }
    const out: DemoWalletCard[] = [];
    for (const [scenario, person] of plan(candidates, options.people, asOf)) {
      await retireUncertified(deps, tx, held.get(person.id) ?? []);
      out.push(...(await issueFor(deps, tx, scenario, person, asOf)));
    }
    await authority.publishCrl(tx);
    return out;
  });
  await (await cardAuthorityOf(ctx)).sync();
  cards.push({
    id: 'point-card',
    label: { ja: 'ポイントカード(マイナンバーカードではありません)', en: 'A point card (not a My Number card)' },
    holderFaceSeed: 'nobody',
    image: null,
    personId: null,
    scenario: 'notACard',
    cardId: null,
    pins: null,
  });
  return { format: 'onshi-demo-wallet/1', createdAt: ctx.clock.now().toISOString(), asOf, cards };
}
