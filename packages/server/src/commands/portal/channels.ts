import type { SignedFaceAttestation } from '@onshi/card';
import {
  verifyCertificate,
  verifyChallengeSignature,
  verifyFaceAttestation,
  type CertificateVerdict,
} from '../../authority/index.js';
import { OqsError } from '../../formats/errors.js';
import { AppError } from '../../http/errors.js';
import type { StoreTx } from '../../store/types.js';
import { challengeBookOf } from '../oqs/challenge.js';
import { PORTAL_ERRORS } from './errors.js';
import { PORTAL_BOOK_SCOPE, bookOf, cardHolderOf, fingerprintOf, verifyOptions } from './login.js';
import { registerInsuranceUse, type RegistrationStatus } from './registration.js';
import type { PortalDeps } from './session.js';

/** The card's answer at a clinic reader: the PIN path's signature, or the reader's signed face match. */
export type ReaderCardProof =
  | { kind: 'pin'; signature: Uint8Array; certificate: Uint8Array }
  | { kind: 'faceAuth'; attestation: SignedFaceAttestation; cardCertificate: Uint8Array };

function takeOrRefuse(take: () => Buffer): Buffer {
  try {
    return take();
  } catch (error) {
    if (error instanceof OqsError) {
      throw new AppError(PORTAL_ERRORS.challengeInvalid, error.code);
    }
    throw error;
  }
}

/**
 * 健康保険証利用登録 at a clinic's 顔認証付きカードリーダー (channel `reader`): the reader's OQS challenge (bound to the
 * institution and reader), answered by the card after its PIN or by the reader's face attestation — so a face-only
 * card can register here, and only here (rules.md §4 [S24], test case 31). Called with the institution's credential.
 */
export async function registerAtReader(
  deps: PortalDeps,
  tx: StoreTx,
  input: { institutionCode: string; readerId: string; challengeId: string; proof: ReaderCardProof },
): Promise<RegistrationStatus> {
  const { ctx } = deps;
  const challenge = takeOrRefuse(() =>
    challengeBookOf(ctx).take(ctx.clock.now().getTime(), input.challengeId, input.institutionCode, input.readerId),
  );
  const options = await verifyOptions(ctx);
  const verdict: CertificateVerdict =
    input.proof.kind === 'pin'
      ? verifyChallengeSignature(
          { challenge, signature: input.proof.signature, certificate: input.proof.certificate },
          options,
        )
      : verifyFaceAttestation(
          input.proof.attestation,
          { challenge, cardCertificate: input.proof.cardCertificate, institutionCode: input.institutionCode },
          options,
        );
  const { card } = await cardHolderOf(ctx, verdict, 'reader');
  return registerInsuranceUse(deps, tx, {
    card,
    channel: 'reader',
    actor: {
      actorKind: 'institution',
      actorId: input.institutionCode,
      detail: { readerId: input.readerId, authentication: input.proof.kind },
    },
  });
}

/** The PIN terminals (decision 0112): a bank ATM and a ward-office terminal. */
export type TerminalChannel = 'atm' | 'wardOffice';

/** Step 1 at a PIN terminal: the certificate read from the card → a challenge (face-only cards are refused). */
export async function terminalChallenge(
  deps: PortalDeps,
  input: { channel: TerminalChannel; certificate: Uint8Array },
): Promise<{ challengeId: string; challenge: string; expiresAt: string }> {
  const { ctx } = deps;
  const verdict = verifyCertificate(input.certificate, await verifyOptions(ctx));
  await cardHolderOf(ctx, verdict, input.channel);
  return bookOf(ctx).issue(ctx.clock.now().getTime(), PORTAL_BOOK_SCOPE, fingerprintOf(input.certificate));
}

/**
 * 健康保険証利用登録 at a bank ATM or a ward-office terminal: the card signs the terminal's challenge after its 4-digit
 * PIN (a wrong PIN counts on the chip); a face-only card has no PIN and is sent to a clinic reader (rules.md §4
 * [S24]). The terminal's operator calls with the card authority's platform credential (decision 0112); the terminal
 * id is audited.
 */
export async function registerAtTerminal(
  deps: PortalDeps,
  tx: StoreTx,
  input: {
    channel: TerminalChannel;
    terminalId: string;
    challengeId: string;
    signature: Uint8Array;
    certificate: Uint8Array;
  },
): Promise<RegistrationStatus> {
  const { ctx } = deps;
  const challenge = takeOrRefuse(() =>
    bookOf(ctx).take(ctx.clock.now().getTime(), input.challengeId, PORTAL_BOOK_SCOPE, fingerprintOf(input.certificate)),
  );
  const verdict = verifyChallengeSignature(
    { challenge, signature: input.signature, certificate: input.certificate },
    await verifyOptions(ctx),
  );
  const { card } = await cardHolderOf(ctx, verdict, input.channel);
  return registerInsuranceUse(deps, tx, {
    card,
    channel: input.channel,
    actor: {
      actorKind: 'authority',
      actorId: `${input.channel}:${input.terminalId}`,
      detail: { terminalId: input.terminalId },
    },
  });
}
