import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { addYears } from '@onshi/core';
import { endOfTokyoDay } from '../../authority/index.js';
import { AppError } from '../../http/errors.js';
import type { ReaderCertificate, StoreTx } from '../../store/types.js';
import { certificateSerialKey, toPem } from './cardAuthority.js';
import { type AuthorityDeps, audited, authorityOf, today } from './deps.js';
import { AUTHORITY_ERRORS, translated } from './errors.js';

/** Reader device certificates run 5 years (Onshi's choice: a reader is replaced on about that cycle). */
export const READER_CERTIFICATE_YEARS = 5;

/** A request for a 顔認証付きカードリーダー's device certificate. */
export interface IssueReaderCertificateInput {
  institutionCode: string;
  readerId: string;
  /**
   * The reader's own public key (SubjectPublicKeyInfo DER, RSA ≥ 2048): its private key never leaves the reader.
   * Without it the authority makes the key pair and returns the private key once (demo and kiosk set-up).
   */
  publicKeySpki?: Uint8Array;
}

/** The issued certificate, and the private key when the authority made it (shown once, never stored). */
export interface IssuedReaderCertificate {
  certificate: Omit<ReaderCertificate, 'der'>;
  certificateDer: Uint8Array;
  certificatePem: string;
  privateKeyPkcs8: Uint8Array | null;
}

function readerKey(spki: Uint8Array | undefined): { spki: Uint8Array; privateKeyPkcs8: Uint8Array | null } {
  if (spki === undefined) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      spki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
      privateKeyPkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
    };
  }
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      throw new Error('not RSA-2048');
    }
  } catch {
    throw new AppError(AUTHORITY_ERRORS.badReader, 'publicKeySpki must be an RSA public key of at least 2048 bits');
  }
  return { spki, privateKeyPkcs8: null };
}

/**
 * Issues the device certificate of an institution's face-authentication reader: the OQS service checks every face
 * attestation against it (`verifyFaceAttestation`), and it names the institution so a reader cannot speak for
 * another (issue 5; issue 6 "face attestation").
 */
export async function issueReaderCertificate(
  deps: AuthorityDeps,
  tx: StoreTx,
  input: IssueReaderCertificateInput,
): Promise<IssuedReaderCertificate> {
  if ((await tx.institutions.get(input.institutionCode)) === null) {
    throw new AppError(AUTHORITY_ERRORS.badReader, 'the institution is not registered');
  }
  const key = readerKey(input.publicKeySpki);
  const authority = await authorityOf(deps);
  const now = deps.ctx.clock.now();
  const issued = await translated(() =>
    authority.ca.issueCertificate({
      profile: 'reader',
      publicKeySpki: key.spki,
      notBefore: now,
      notAfter: endOfTokyoDay(addYears(today(deps), READER_CERTIFICATE_YEARS)),
      readerId: input.readerId,
      institutionCode: input.institutionCode,
    }),
  );
  const row: ReaderCertificate = {
    serial: certificateSerialKey(issued.serial),
    institutionCode: input.institutionCode,
    readerId: input.readerId,
    notBefore: issued.notBefore.toISOString(),
    notAfter: issued.notAfter.toISOString(),
    revokedAt: null,
    revocationReason: null,
    der: issued.der,
  };
  await tx.authority.insertReaderCertificate(row);
  await audited(deps, tx, 'reader.certificate.issue', null, row.serial, {
    institutionCode: row.institutionCode,
    readerId: row.readerId,
  });
  const { der, ...certificate } = row;
  return {
    certificate,
    certificateDer: der,
    certificatePem: toPem('CERTIFICATE', der),
    privateKeyPkcs8: key.privateKeyPkcs8,
  };
}

/** Revokes a reader certificate (reader replaced, lost or compromised) and re-issues the CRL. */
export async function revokeReaderCertificate(
  deps: AuthorityDeps,
  tx: StoreTx,
  input: { serial: string; reason: 'keyCompromise' | 'cessationOfOperation' },
): Promise<Omit<ReaderCertificate, 'der'>> {
  const serial = certificateSerialKey(input.serial);
  const existing = await tx.authority.getReaderCertificate(serial);
  if (existing === null) {
    throw new AppError(AUTHORITY_ERRORS.unknownReaderCertificate);
  }
  await tx.authority.revokeReaderCertificate(serial, deps.ctx.clock.now().toISOString(), input.reason);
  await (await authorityOf(deps)).publishCrl(tx);
  await audited(deps, tx, 'reader.certificate.revoke', null, serial, { reason: input.reason });
  const updated = (await tx.authority.getReaderCertificate(serial)) ?? existing;
  const { der: _der, ...certificate } = updated;
  return certificate;
}
