import { tokyoDate, type AcceptancePerson } from '@onshi/core';
import type {
  Card,
  CertificateStatus,
  DvFlag,
  InsuranceUseRegistration,
  Person,
  StoreRepositories,
} from '../../store/types.js';

/** A certificate's notBefore/notAfter as stored (an ISO date or instant) → the Japan civil date. */
export function certificateDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : tokyoDate(new Date(value));
}

/**
 * The person as core acceptDocument reads them (rules.md §4, §5, §8): the card (the one read at the reader, or the
 * newest active one), its 利用者証明用 certificate expiry, the 健康保険証利用登録 in force and the
 * 自己情報提供不可フラグ. `flags`: the DV flags in force on `date`, when the caller has already read them; `read.registration`:
 * the registration in force on `date`, when read with the card (decision 0146).
 */
export async function acceptancePersonOf(
  repos: StoreRepositories,
  person: Person,
  qualification: 'active' | 'lost',
  date: string,
  read?: {
    card: Card;
    certificate: CertificateStatus;
    registration?: InsuranceUseRegistration | null;
    /** The certificate's Japan expiry date when the caller verified it (the verdict's `expiry`). */
    certificateExpiry?: string | null;
  },
  flagsOnDate?: readonly DvFlag[],
): Promise<AcceptancePerson> {
  const [registration, flags] = await Promise.all([
    read?.registration !== undefined ? read.registration : repos.cards.registrationOn(person.id, date),
    flagsOnDate ?? repos.dvFlags.activeOn(person.id, date),
  ]);
  let card: Card | undefined = read?.card;
  let certificate: CertificateStatus | undefined = read?.certificate;
  if (card === undefined) {
    const cards = (await repos.cards.listByPerson(person.id)).filter((c) => c.status === 'active');
    card = cards.sort((a, b) => (a.issuedOn < b.issuedOn ? 1 : -1))[0];
    if (card !== undefined) {
      certificate = (await repos.certificates.listByCard(card.id)).find(
        (c) => c.kind === 'auth' && c.revokedAt === null,
      );
    }
  }
  const out: AcceptancePerson = {
    qualification,
    birthDate: person.birthDate,
    insuranceUseRegistered: registration !== null,
    selfInfoBlocked: flags.includes('selfInfoBlocked'),
  };
  if (card !== undefined) {
    out.cardKind = card.kind;
    out.cardExpiry = card.expiresOn;
    if (certificate !== undefined) {
      out.certificateExpiry = read?.certificateExpiry ?? certificateDate(certificate.notAfter);
    }
  }
  return out;
}
