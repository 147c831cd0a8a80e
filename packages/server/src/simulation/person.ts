/**
 * One person's simulated months (decision 0116): visits by age at institutions in their prefecture, how each visit is
 * confirmed (the card at the reader only when the person holds a usable マイナ保険証, with the calibrated probability;
 * otherwise online by number or, while paper documents are shown, by eye), consents at the reader, prescriptions
 * dispensed, admissions, check-ups, and the claims (レセプト) that follow. Pure and deterministic: the same seed and
 * person give the same rows, whatever else is simulated.
 */
import {
  ageOn,
  checkupRecordsMayExist,
  consentViewableUntil,
  copayRate,
  daysInMonth,
  insuranceCardState,
  roundWindowPayment,
} from '@onshi/core';
import { Random, seedToUint32 } from '../population/prng.js';
import type {
  Authentication,
  Card,
  Claim,
  ClinicalRecord,
  Confirmation,
  ConfirmationMethod,
  Consent,
  DvFlagRecord,
  Institution,
  InstitutionKind,
  InsuranceUseRegistration,
  Person,
  Qualification,
  Scheme,
} from '../store/types.js';
import {
  CHECKUP_SHARE,
  CONSENT_SHARE,
  DRUGS,
  POINTS_PER_INPATIENT_DAY,
  POINTS_PER_VISIT,
  PRESCRIPTION_SHARE,
  SMARTPHONE_FROM,
  admissionRate,
  rateSchemeOf,
  visitKindShares,
  visitRate,
  visualShare,
} from './model.js';

/** What the simulation reads about one person from the Store. */
export interface PersonFacts {
  person: Person;
  qualifications: readonly Qualification[];
  cards: readonly Card[];
  registrations: readonly InsuranceUseRegistration[];
  dvFlags: readonly DvFlagRecord[];
}

/** The rows one person's months produce. */
export interface PersonActivity {
  confirmations: Confirmation[];
  consents: Consent[];
  claims: Claim[];
  records: ClinicalRecord[];
}

/** Institutions by prefecture and kind, in code order. */
export class InstitutionDirectory {
  private readonly byPlace = new Map<string, Institution[]>();
  private readonly byKind = new Map<InstitutionKind, Institution[]>();

  constructor(institutions: readonly Institution[]) {
    const sorted = [...institutions].sort((a, b) => (a.institutionCode < b.institutionCode ? -1 : 1));
    for (const i of sorted) {
      const key = `${i.prefecture}|${i.kind}`;
      const place = this.byPlace.get(key) ?? [];
      place.push(i);
      this.byPlace.set(key, place);
      const kind = this.byKind.get(i.kind) ?? [];
      kind.push(i);
      this.byKind.set(i.kind, kind);
    }
  }

  /** Institutions of a kind in the prefecture, else anywhere in Japan (small simulations lack some kinds). */
  candidates(prefecture: string, kind: InstitutionKind): readonly Institution[] {
    return this.byPlace.get(`${prefecture}|${kind}`) ?? this.byKind.get(kind) ?? [];
  }
}

/** Everything the person simulation needs besides the person. */
export interface World {
  seed: number;
  /** Months to simulate, 'YYYY-MM', ascending. */
  months: readonly string[];
  institutions: InstitutionDirectory;
  /** 制度 of each insurer. */
  schemes: ReadonlyMap<string, Scheme>;
  /** Calibrated probability that a usable マイナ保険証 is used at a visit of that kind in that month. */
  useProbability(month: string, kind: InstitutionKind): number;
}

const KINDS: readonly InstitutionKind[] = ['hospital', 'clinic', 'dental', 'pharmacy'];

/** The person's qualification in force on `date` (the newest acquisition when two overlap). */
export function qualificationOn(qualifications: readonly Qualification[], date: string): Qualification | null {
  let best: Qualification | null = null;
  for (const q of qualifications) {
    if (q.acquiredOn <= date && (q.lostOn === null || date < q.lostOn)) {
      if (best === null || q.acquiredOn > best.acquiredOn) {
        best = q;
      }
    }
  }
  return best;
}

/**
 * The card the person can use as マイナ保険証 on `date`, or null: a registration in force, its card issued and
 * active, and the card not past its grace nor blocked by the 自己情報提供不可フラグ (core `insuranceCardState`).
 */
export function usableCardOn(facts: PersonFacts, date: string): Card | null {
  const registration = facts.registrations.find(
    (r) => r.registeredOn <= date && (r.unregisteredOn === null || date < r.unregisteredOn),
  );
  if (registration === undefined) {
    return null;
  }
  const card =
    facts.cards.find((c) => c.id === registration.cardId) ?? facts.cards.find((c) => c.kind !== 'smartphone');
  if (card === undefined || card.issuedOn > date || card.status !== 'active') {
    return null;
  }
  const blocked = facts.dvFlags.some(
    (f) => f.flag === 'selfInfoBlocked' && f.setOn <= date && (f.clearedOn === null || date < f.clearedOn),
  );
  const state = insuranceCardState(
    { cardKind: card.kind, cardExpiry: card.expiresOn, insuranceUseRegistered: true, selfInfoBlocked: blocked },
    date,
  );
  return state === 'usable' || state === 'grace' ? card : null;
}

/** Expected visits of each kind in a month at this age (for calibration and for the visits themselves). */
export function expectedVisits(age: number): Record<InstitutionKind, number> {
  const total = visitRate(age);
  const shares = visitKindShares(age);
  const pharmacy =
    total *
    (shares.clinic * PRESCRIPTION_SHARE.clinic +
      shares.hospital * PRESCRIPTION_SHARE.hospital +
      shares.dental * PRESCRIPTION_SHARE.dental);
  return {
    hospital: total * shares.hospital,
    clinic: total * shares.clinic,
    dental: total * shares.dental,
    pharmacy,
  };
}

function poisson(rng: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k += 1;
    p *= rng.next();
  }
  return k;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

interface Visit {
  date: string;
  at: string;
  institution: Institution;
  qualification: Qualification;
}

/** Accumulates one institution-month of visits into one レセプト. */
interface ClaimDraft {
  id: string;
  institution: Institution;
  qualification: Qualification;
  month: string;
  days: Set<string>;
  points: number;
  firstDay: string;
}

/** Simulates one person over the world's months. */
export function simulatePerson(facts: PersonFacts, world: World): PersonActivity {
  const { person } = facts;
  const stream = seedToUint32(person.id);
  const rng = new Random(world.seed, stream);
  const out: PersonActivity = { confirmations: [], consents: [], claims: [], records: [] };
  let seq = 0;
  let idPrefix = '';
  const nextId = (tag: string): string => {
    seq += 1;
    return `${idPrefix}${tag}${String(seq)}`;
  };
  // The person's usual institutions: one of each kind, kept all year (most visits go there).
  const home = new Map<InstitutionKind, Institution>();
  for (const kind of KINDS) {
    const list = world.institutions.candidates(person.prefecture, kind);
    const chosen = list[rng.int(list.length)];
    if (chosen !== undefined) {
      home.set(kind, chosen);
    }
  }
  const pickInstitution = (kind: InstitutionKind): Institution | undefined => {
    if (rng.chance(0.8)) {
      return home.get(kind);
    }
    const list = world.institutions.candidates(person.prefecture, kind);
    return list[rng.int(list.length)] ?? home.get(kind);
  };
  const checkupMonth = rng.int(12) + 1;
  const smartphone = facts.cards.find((c) => c.kind === 'smartphone' && c.status === 'active') ?? null;

  for (const month of world.months) {
    const year = Number(month.slice(0, 4));
    const mm = Number(month.slice(5, 7));
    // Each month has its own stream, so a month's rows do not depend on which other months are simulated with it.
    rng.reseed((world.seed + Math.imul(year * 12 + mm, 0x9e3779b1)) >>> 0, stream);
    seq = 0;
    idPrefix = `s${String(world.seed)}.${person.id}.${month}.`;
    const lastDay = daysInMonth(year, mm);
    const monthStart = `${month}-01`;
    if (person.birthDate > `${month}-${pad2(lastDay)}`) {
      continue;
    }
    const age = ageOn(person.birthDate, person.birthDate > monthStart ? person.birthDate : monthStart);
    const drafts = new Map<string, ClaimDraft>();

    const dayIn = (from = 1): string => {
      const lo = Math.max(from, person.birthDate.startsWith(month) ? Number(person.birthDate.slice(8, 10)) : 1);
      return `${month}-${pad2(lo + rng.int(Math.max(1, lastDay - lo + 1)))}`;
    };
    const atOn = (date: string): string => {
      // 08:30–17:30 JST is 23:30 (previous day) – 08:30 UTC; keep within 09:00–17:00 JST for a same-day UTC stamp.
      const minutes = rng.int(8 * 60);
      return `${date}T${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}:${pad2(rng.int(60))}.000Z`;
    };

    // The usable card rarely changes within a month: when it is the same on the first and last day, reuse it.
    const monthEnd = `${month}-${pad2(lastDay)}`;
    const atStart = usableCardOn(facts, monthStart);
    const steady = atStart?.id === usableCardOn(facts, monthEnd)?.id;
    const usableOn = (date: string): Card | null => (steady ? atStart : usableCardOn(facts, date));

    const confirm = (visit: Visit): void => {
      const { institution, date, at, qualification } = visit;
      let method: ConfirmationMethod = 'number';
      let authentication: Authentication | null = null;
      const card = institution.oqsEnabled ? usableOn(date) : null;
      if (!institution.oqsEnabled) {
        method = 'visual';
      } else if (
        card !== null &&
        institution.readerStatus === 'working' &&
        rng.chance(world.useProbability(month, institution.kind))
      ) {
        method = 'card';
        if (smartphone !== null && institution.smartphoneReader && date >= SMARTPHONE_FROM && rng.chance(0.3)) {
          authentication = smartphone.platform === 'iphone' ? 'biometrics' : 'pin';
        } else if (card.kind === 'faceOnly') {
          authentication = rng.chance(0.97) ? 'faceAuth' : 'visualCheck';
        } else {
          const u = rng.next();
          authentication = u < 0.85 ? 'faceAuth' : u < 0.99 ? 'pin' : 'visualCheck';
        }
      } else if (rng.chance(visualShare(date))) {
        method = 'visual';
      }
      out.confirmations.push({
        id: nextId('k'),
        at,
        confirmedOn: date,
        institutionCode: institution.institutionCode,
        personId: person.id,
        qualificationId: qualification.id,
        insurerNumber: qualification.insurerNumber,
        method,
        authentication,
        qualificationValidity: method === 'visual' ? null : 1,
        resultCode: 'ok',
        referenceNumber: null,
      });
      if (method === 'card' && rng.chance(CONSENT_SHARE) && institution.consentItemsEnabled.length > 0) {
        out.consents.push({
          id: nextId('n'),
          institutionCode: institution.institutionCode,
          personId: person.id,
          items: [...institution.consentItemsEnabled],
          consentedAt: at,
          expiresAt: consentViewableUntil(at),
        });
      }
    };

    const bill = (visit: Visit, points: number): ClaimDraft => {
      const key = visit.institution.institutionCode;
      let draft = drafts.get(key);
      if (draft === undefined) {
        draft = {
          id: nextId('c'),
          institution: visit.institution,
          qualification: visit.qualification,
          month,
          days: new Set(),
          points: 0,
          firstDay: visit.date,
        };
        drafts.set(key, draft);
      }
      draft.days.add(visit.date);
      draft.points += points;
      if (visit.date < draft.firstDay) {
        draft.firstDay = visit.date;
      }
      return draft;
    };

    const visitAt = (kind: InstitutionKind, date: string): Visit | null => {
      const institution = pickInstitution(kind);
      const qualification = qualificationOn(facts.qualifications, date);
      if (institution === undefined || qualification === null) {
        return null;
      }
      return { date, at: atOn(date), institution, qualification };
    };

    // Outpatient visits, each perhaps followed by a pharmacy visit the same or the next day.
    const expected = expectedVisits(age);
    const outpatientMean = expected.hospital + expected.clinic + expected.dental;
    const shares = visitKindShares(age);
    const visits = poisson(rng, outpatientMean);
    for (let v = 0; v < visits; v++) {
      const u = rng.next();
      const kind: Exclude<InstitutionKind, 'pharmacy'> =
        u < shares.hospital ? 'hospital' : u < shares.hospital + shares.dental ? 'dental' : 'clinic';
      const visit = visitAt(kind, dayIn());
      if (visit === null) {
        continue;
      }
      confirm(visit);
      const [lo, hi] = POINTS_PER_VISIT[kind];
      bill(visit, lo + rng.int(hi - lo + 1));
      if (rng.chance(PRESCRIPTION_SHARE[kind])) {
        const day = Number(visit.date.slice(8, 10));
        const next = Math.min(lastDay, day + rng.int(2));
        const pharmacyVisit = visitAt('pharmacy', `${month}-${pad2(next)}`);
        if (pharmacyVisit !== null) {
          confirm(pharmacyVisit);
          const [plo, phi] = POINTS_PER_VISIT.pharmacy;
          const draft = bill(pharmacyVisit, plo + rng.int(phi - plo + 1));
          const drugs = 1 + rng.int(3);
          for (let d = 0; d < drugs; d++) {
            const drug = DRUGS[rng.int(DRUGS.length)] ?? DRUGS[0];
            if (drug === undefined) {
              break;
            }
            const days = [7, 14, 28, 30][rng.int(4)] ?? 14;
            out.records.push({
              id: nextId('r'),
              personId: person.id,
              kind: 'medication',
              date: pharmacyVisit.date,
              institutionCode: pharmacyVisit.institution.institutionCode,
              claimId: draft.id,
              code: drug[0],
              name: drug[1],
              detail: { quantity: days * (drug[2] === 'mL' ? 10 : 1), unit: drug[2], days, usage: '1日1回' },
            });
          }
        }
      }
    }

    // Admission: confirmed at the hospital, billed on an inpatient レセプト for the days in this month.
    if (rng.chance(admissionRate(age))) {
      const visit = visitAt('hospital', dayIn());
      if (visit !== null) {
        confirm(visit);
        const day = Number(visit.date.slice(8, 10));
        const stay = Math.min(lastDay - day + 1, 1 + Math.floor(rng.exponential(12)));
        const [lo, hi] = POINTS_PER_INPATIENT_DAY;
        const points = stay * (lo + rng.int(hi - lo + 1));
        out.claims.push(
          claimOf(
            {
              id: nextId('c'),
              institution: visit.institution,
              qualification: visit.qualification,
              month,
              days: new Set(Array.from({ length: stay }, (_, i) => `${month}-${pad2(day + i)}`)),
              points,
              firstDay: visit.date,
            },
            'inpatient',
            person,
            world,
          ),
        );
      }
    }

    // 特定健診: once a year (in the person's month) while a target (40–74), not a claim.
    if (mm === checkupMonth && rng.chance(CHECKUP_SHARE)) {
      const date = dayIn();
      const institution = pickInstitution(rng.chance(0.7) ? 'clinic' : 'hospital');
      if (institution !== undefined && checkupRecordsMayExist({ birthDate: person.birthDate, on: date })) {
        out.records.push({
          id: nextId('r'),
          personId: person.id,
          kind: 'checkup',
          date,
          institutionCode: institution.institutionCode,
          claimId: null,
          code: 'tokuteiKenshin',
          name: '特定健康診査',
          detail: {
            bmi: Math.round((19 + rng.next() * 10) * 10) / 10,
            systolic: 105 + rng.int(50),
            diastolic: 65 + rng.int(30),
            hba1c: Math.round((5 + rng.next() * 2) * 10) / 10,
          },
        });
      }
    }

    for (const draft of drafts.values()) {
      out.claims.push(claimOf(draft, 'outpatient', person, world));
    }
  }
  return out;
}

/** The レセプト of one institution-month: points × 10 yen, the window share at the statutory rate (core copayRate). */
function claimOf(draft: ClaimDraft, kind: 'outpatient' | 'inpatient', person: Person, world: World): Claim {
  const scheme = world.schemes.get(draft.qualification.insurerNumber) ?? 'kyokai';
  const rate = copayRate({
    birthDate: person.birthDate,
    serviceDate: draft.firstDay,
    scheme: rateSchemeOf(scheme),
    ...(rateSchemeOf(scheme) === 'lateElderly' ? { lateElderlyBand: 1 as const } : {}),
  }).rate;
  const totalCost = draft.points * 10;
  const copayAmount = Math.min(totalCost, roundWindowPayment(Math.round(totalCost * rate)));
  return {
    id: draft.id,
    personId: person.id,
    insurerNumber: draft.qualification.insurerNumber,
    qualificationId: draft.qualification.id,
    institutionCode: draft.institution.institutionCode,
    institutionKind: draft.institution.kind,
    kind,
    month: draft.month,
    days: draft.days.size,
    points: draft.points,
    totalCost,
    insurerPaid: totalCost - copayAmount,
    publicPaid: 0,
    copayAmount,
  };
}
