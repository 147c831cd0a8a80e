/**
 * Certificate profiles of the simulated card authority (地方公共団体情報システム機構, J-LIS, glossary
 * `cardAuthority`). The profile is named in the subject's OU so a verifier can tell a card certificate from a
 * reader certificate without parsing extensions (a reader key must never pass as a card).
 */

/** Kinds of end-entity certificate. */
export type CertificateProfile = 'cardAuthentication' | 'cardSigning' | 'phoneAuthentication' | 'reader';

/** OU value per profile. The 利用者証明用 subject carries no personal data, as the real one (rules.md §4). */
export const PROFILE_OU: Readonly<Record<CertificateProfile, string>> = {
  cardAuthentication: 'JPKI for user authentication',
  cardSigning: 'JPKI for digital signature',
  phoneAuthentication: 'JPKI for smartphone user authentication',
  reader: 'Onshi face authentication reader',
};

/**
 * Subject attribute `serialNumber` (2.5.4.5) carries the one identifier a profile needs: for a reader the
 * 医療機関コード of its institution, for a phone the serial of the physical card's 利用者証明用 certificate.
 */
export const SUBJECT_SERIAL_NUMBER = '2.5.4.5';

/** The profile named by a subject's OU values, if any. */
export function profileOfOrganisationalUnits(units: readonly string[]): CertificateProfile | undefined {
  for (const [profile, ou] of Object.entries(PROFILE_OU)) {
    if (units.includes(ou)) {
      return isProfile(profile) ? profile : undefined;
    }
  }
  return undefined;
}

function isProfile(value: string): value is CertificateProfile {
  return value in PROFILE_OU;
}
