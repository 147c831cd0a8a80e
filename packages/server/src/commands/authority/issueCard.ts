import { enrolFace, faceFromSeed } from '@onshi/card';
import type { CardImage, CardInfo, SmartphoneImage } from '@onshi/card';
import {
  cardExpiry,
  certificateExpiry,
  compareDates,
  insuranceUseRegistrationAllowed,
  isIsoDate,
  tokyoDate,
} from '@onshi/core';
import { encodeFaceTemplate } from '@onshi/card';
import { endOfTokyoDay, startOfTokyoDay } from '../../authority/index.js';
import type { IssuedCertificate } from '../../authority/index.js';
import { AppError } from '../../http/errors.js';
import type {
  Card,
  CardKind,
  Certificate,
  CertificateKind,
  Person,
  PhonePlatform,
  RegistrationChannel,
  StoreTx,
} from '../../store/types.js';
import { certificateSerialKey } from './cardAuthority.js';
import {
  type AuthorityDeps,
  type CardView,
  audited,
  authorityOf,
  cardView,
  liveCertificates,
  requirePerson,
  today,
} from './deps.js';
import { AUTHORITY_ERRORS, translated } from './errors.js';

/** The PINs a holder chooses at the counter (never stored or logged; only their salted hashes live on the chip). */
export interface ChosenPins {
  /** 利用者証明用 (or the スマホ用 PIN of an Android phone): 4 digits. */
  authentication?: string;
  /** 署名用: 6–16 of A–Z, 0–9. */
  signing?: string;
  /** 券面事項入力補助用: 4 digits. */
  cardInfo?: string;
}

/** What the municipal office sends to have a card issued. */
export interface IssueCardInput {
  personId: string;
  kind: CardKind;
  /** Only for `smartphone`. */
  platform?: PhonePlatform;
  /** Required on a standard card and an Android phone; refused on a face-only card and an iPhone (no PIN). */
  pins?: ChosenPins;
  /** For `smartphone`: the person's active standard card the phone certificate comes from. */
  linkedCardId?: string;
  /** Day of issue (default today; never in the future). The seed and imports pass earlier days. */
  issuedOn?: string;
  /** Also make the 保険証利用登録 at handover, through this channel (checked by the rules engine). */
  registerInsuranceUse?: RegistrationChannel;
}

/**
 * The card as handed over: its record, and its image — the physical card with its private keys, returned once and
 * never stored by the authority. For a smartphone, `phone` is the phone's image (its chip and, on an iPhone, the
 * owner's biometric template); `image` is then the phone's chip.
 */
export interface IssuedCardResult {
  card: CardView;
  image: CardImage;
  phone: SmartphoneImage | null;
}

/** The simulated face of a person (@onshi/card `faceFromSeed`): the seed is the person id. */
export function holderFaceSeed(personId: string): string {
  return personId;
}

function cardInfoOf(person: Person): CardInfo {
  return {
    name: person.nameKanji,
    address: person.address,
    birthDate: person.birthDate,
    sex: person.sex === 'male' ? '1' : person.sex === 'female' ? '2' : '9',
  };
}

/** The issue day asked for, checked: an ISO date, not after today, not before birth. */
export function issueDay(deps: AuthorityDeps, person: Person, issuedOn: string | undefined): string {
  const day = issuedOn ?? today(deps);
  if (!isIsoDate(day) || compareDates(day, today(deps)) > 0 || compareDates(day, person.birthDate) < 0) {
    throw new AppError(AUTHORITY_ERRORS.badDate, `issuedOn ${day}`);
  }
  return day;
}

function checkPins(input: IssueCardInput): void {
  const noPin = input.kind === 'faceOnly' || (input.kind === 'smartphone' && input.platform === 'iphone');
  const given = input.pins !== undefined && Object.values(input.pins).some((p) => p !== undefined);
  if (noPin && given) {
    throw new AppError(AUTHORITY_ERRORS.noPin, 'a face-only card and an iPhone are issued without PINs');
  }
  if (!noPin && input.pins?.authentication === undefined) {
    throw new AppError(AUTHORITY_ERRORS.badPin, 'pins.authentication is required');
  }
  if (input.kind === 'standard' && (input.pins?.signing === undefined || input.pins.cardInfo === undefined)) {
    throw new AppError(AUTHORITY_ERRORS.badPin, 'a standard card needs pins.signing and pins.cardInfo');
  }
}

/** Certificate rows of an issued certificate, keyed by `certificateSerialKey`. */
export function certificateRow(cardId: string, kind: CertificateKind, issued: IssuedCertificate): Certificate {
  return {
    serial: certificateSerialKey(issued.serial),
    cardId,
    kind,
    notBefore: issued.notBefore.toISOString(),
    notAfter: issued.notAfter.toISOString(),
    revokedAt: null,
    revocationReason: null,
    der: issued.der,
  };
}

interface Validity {
  cardExpiresOn: string;
  certificateExpiresOn: string;
  linkedCardSerial?: string;
}

/** Card and certificate expiry by the rules engine (rules.md §4 [S20], test 29); a phone follows its card's certificate. */
async function validityFor(tx: StoreTx, person: Person, input: IssueCardInput, issuedOn: string): Promise<Validity> {
  if (input.kind !== 'smartphone') {
    const cardExpiresOn = cardExpiry({ birthDate: person.birthDate, issueDate: issuedOn });
    return {
      cardExpiresOn,
      certificateExpiresOn: certificateExpiry({
        birthDate: person.birthDate,
        issueDate: issuedOn,
        cardExpiry: cardExpiresOn,
      }),
    };
  }
  const linked = input.linkedCardId === undefined ? null : await tx.cards.get(input.linkedCardId);
  if (linked === null || linked.personId !== person.id || linked.kind !== 'standard' || linked.status !== 'active') {
    throw new AppError(AUTHORITY_ERRORS.linkedCardRequired);
  }
  const auth = (await liveCertificates(tx, linked.id)).find(
    (c) => c.kind === 'auth' && compareDates(tokyoDate(new Date(c.notAfter)), issuedOn) >= 0,
  );
  if (auth === undefined) {
    throw new AppError(AUTHORITY_ERRORS.linkedCardRequired, 'the card has no valid 利用者証明用 certificate');
  }
  const expiresOn = tokyoDate(new Date(auth.notAfter));
  return { cardExpiresOn: expiresOn, certificateExpiresOn: expiresOn, linkedCardSerial: auth.serial };
}

async function refuseDuplicate(tx: StoreTx, input: IssueCardInput): Promise<void> {
  const held = (await tx.cards.listByPerson(input.personId)).filter(
    (c) => c.status === 'active' || c.status === 'suspended',
  );
  const clash =
    input.kind === 'smartphone'
      ? held.find((c) => c.kind === 'smartphone' && c.platform === input.platform)
      : held.find((c) => c.kind !== 'smartphone');
  if (clash !== undefined) {
    throw new AppError(AUTHORITY_ERRORS.cardAlreadyIssued, `card ${clash.id} (${clash.status})`);
  }
}

/** Registers insurance use at handover when asked, if the rules allow the channel for this kind of card. */
async function register(tx: StoreTx, card: Card, channel: RegistrationChannel | undefined, on: string): Promise<void> {
  if (channel === undefined) {
    return;
  }
  const allowed = insuranceUseRegistrationAllowed({ cardKind: card.kind, channel });
  if (!allowed.ok) {
    throw new AppError(AUTHORITY_ERRORS.registrationNotAllowed, allowed.message.en);
  }
  if ((await tx.cards.registrationOn(card.personId, on)) === null) {
    await tx.cards.register({ personId: card.personId, cardId: card.id, registeredOn: on, channel });
  }
}

/**
 * Issues a My Number card (or a smartphone's card function) to a person: expiry by the rules engine, a chip
 * personalised through its APDUs with keys generated inside, the certificates signed by the CA, the Card and
 * Certificate rows and the certificate→person links (never the My Number). Issue 5 "Card life"; rules.md §4.
 */
export async function issueCard(deps: AuthorityDeps, tx: StoreTx, input: IssueCardInput): Promise<IssuedCardResult> {
  const person = await requirePerson(tx, input.personId);
  const issuedOn = issueDay(deps, person, input.issuedOn);
  if ((input.kind === 'smartphone') !== (input.platform !== undefined)) {
    throw new AppError(AUTHORITY_ERRORS.platformRequired);
  }
  checkPins(input);
  await refuseDuplicate(tx, input);
  const validity = await validityFor(tx, person, input, issuedOn);
  const authority = await authorityOf(deps);
  const physical = input.kind !== 'smartphone';
  const face = enrolFace(faceFromSeed(holderFaceSeed(person.id)), `${person.id}:${issuedOn}`);
  const issued = await translated(() =>
    authority.ca.issueCard({
      kind: input.kind,
      ...(input.platform !== undefined ? { platform: input.platform } : {}),
      ...(input.pins !== undefined ? { pins: input.pins } : {}),
      ...(physical ? { cardInfo: cardInfoOf(person), faceTemplate: face } : {}),
      notBefore: startOfTokyoDay(issuedOn),
      notAfter: endOfTokyoDay(validity.certificateExpiresOn),
      ...(validity.linkedCardSerial !== undefined ? { linkedCardSerial: validity.linkedCardSerial } : {}),
    }),
  );
  const card = await tx.cards.insert({
    id: issued.cardId,
    personId: person.id,
    kind: input.kind,
    platform: input.platform ?? null,
    issuedOn,
    expiresOn: validity.cardExpiresOn,
    status: 'active',
    statusChangedOn: null,
  });
  const linkedAt = deps.ctx.clock.now().toISOString();
  await tx.certificates.insert(certificateRow(card.id, 'auth', issued.authCertificate), person.id, linkedAt);
  if (issued.signingCertificate !== null) {
    await tx.certificates.insert(certificateRow(card.id, 'signing', issued.signingCertificate), person.id, linkedAt);
  }
  await register(tx, card, input.registerInsuranceUse, issuedOn);
  await audited(deps, tx, 'card.issue', person.id, card.id, {
    kind: card.kind,
    platform: card.platform,
    issuedOn,
    expiresOn: card.expiresOn,
    certificateExpiresOn: validity.certificateExpiresOn,
  });
  const phone: SmartphoneImage | null =
    input.kind === 'smartphone'
      ? {
          format: 'onshi-smartphone-image/1',
          chip: issued.image,
          biometricTemplate:
            input.platform === 'iphone'
              ? Buffer.from(
                  encodeFaceTemplate(enrolFace(faceFromSeed(holderFaceSeed(person.id)), `${person.id}:iphone`)),
                ).toString('base64')
              : null,
        }
      : null;
  return { card: await cardView(tx, card), image: issued.image, phone };
}
