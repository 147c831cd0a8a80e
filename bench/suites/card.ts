/**
 * Card cryptography throughput (issue 5):
 * - `signature_verify_per_s`: what the OQS service does per PIN-path read — parse the card certificate, check its
 *   chain to the trusted root, its validity and revocation (CRL lookup), and the challenge signature.
 * - `card_check_event_loop_us_known_certificate` / `_unseen_certificate`: the event loop's share of the server's
 *   PIN-path verification (`verifyChallengeSignatureOffThread`, RSA on the verifier thread), for a certificate whose
 *   issuer signature was verified before and for one the trust store has not seen — the usual case on a national
 *   server, and one the OQS bench's few wallet cards never show (decision 0172 addendum).
 * - `certificate_issue_per_s`: RSA-2048 key generation plus a certificate signed by the issuing CA.
 * Each figure runs for a bounded time (about 3 s).
 */
import { generateKeyPair } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { CardReader, VirtualChip } from '@onshi/card';
import type { BenchContext } from '../run.js';
import {
  CardAuthority,
  RevocationList,
  TrustStore,
  endOfTokyoDay,
  startOfTokyoDay,
  verifyChallengeSignature,
  verifyChallengeSignatureOffThread,
  type ChallengeResponse,
} from '../../packages/server/src/authority/index.js';

const generateRsa = promisify(generateKeyPair);
const BUDGET_MS = 3000;
const CARDS = 8;

async function newKey(): Promise<{ spki: Uint8Array; pkcs8: Uint8Array }> {
  const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  return {
    spki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    pkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
  };
}

export async function run(ctx: BenchContext): Promise<void> {
  const created = new Date('2025-01-01T00:00:00Z');
  const at = new Date('2026-05-01T03:00:00Z');
  const authority = await CardAuthority.create(created);
  const trust = TrustStore.create({
    roots: [authority.rootCertificate],
    intermediates: [authority.issuingCertificate],
  });

  const readerKey = await newKey();
  const readerCert = await authority.issueCertificate({
    profile: 'reader',
    publicKeySpki: readerKey.spki,
    notBefore: created,
    notAfter: new Date('2031-01-01T00:00:00Z'),
    readerId: 'BENCH-1',
    institutionCode: '1312345678',
  });
  const reader = new CardReader({
    readerId: 'BENCH-1',
    institutionCode: '1312345678',
    privateKeyPkcs8: readerKey.pkcs8,
    certificateDer: readerCert.der,
  });

  // A CRL of realistic length (revocations of other cards) so the lookup is not trivially empty.
  const entries = Array.from({ length: 1000 }, (_, i) => ({
    serial: (0x1000 + i).toString(16),
    revokedAt: new Date('2026-01-01T00:00:00Z'),
  }));
  const crlDer = await authority.createCrl({
    entries,
    thisUpdate: new Date('2026-04-30T00:00:00Z'),
    nextUpdate: new Date('2026-05-07T00:00:00Z'),
    crlNumber: 1,
  });
  const crl = await RevocationList.load(crlDer, trust);
  if (!crl) {
    throw new Error('CRL did not verify');
  }

  const reads: ChallengeResponse[] = [];
  for (let i = 0; i < CARDS; i += 1) {
    const card = await authority.issueCard({
      kind: 'standard',
      pins: { authentication: '1234', signing: 'BENCH123', cardInfo: '1234' },
      notBefore: startOfTokyoDay('2025-06-01'),
      notAfter: endOfTokyoDay('2030-06-01'),
    });
    const challenge = new TextEncoder().encode(`challenge-${i}`);
    const signed = reader.signChallenge(VirtualChip.fromImage(card.image), challenge, '1234');
    if (!signed.ok) {
      throw new Error(signed.code);
    }
    reads.push({ challenge, signature: signed.signature, certificate: signed.certificate });
  }
  const options = { at, trust, crls: [crl], purpose: 'insuranceUse' as const };

  let verified = 0;
  const start = performance.now();
  while (performance.now() - start < BUDGET_MS) {
    for (const read of reads) {
      if (!verifyChallengeSignature(read, options).ok) {
        throw new Error('verification failed');
      }
      verified += 1;
    }
  }
  ctx.record('signature_verify_per_s', Math.round((verified * 1000) / (performance.now() - start)));

  // Event-loop time per check, one check at a time (a trust store of its own per unseen check, made beforehand).
  const eventLoopUs = async (fresh: boolean, checks: number): Promise<number> => {
    const stores = Array.from({ length: fresh ? checks : 1 }, () =>
      TrustStore.create({ roots: [authority.rootCertificate], intermediates: [authority.issuingCertificate] }),
    );
    const before = performance.eventLoopUtilization();
    for (let i = 0; i < checks; i += 1) {
      const read = reads[i % reads.length];
      const store = stores[fresh ? i : 0];
      if (read === undefined || store === undefined) {
        throw new Error('no read or trust store');
      }
      if (!(await verifyChallengeSignatureOffThread(read, { ...options, trust: store })).ok) {
        throw new Error('verification failed');
      }
    }
    return (performance.eventLoopUtilization(before).active * 1000) / checks;
  };
  await eventLoopUs(false, 200);
  ctx.record('card_check_event_loop_us_known_certificate', Math.round(await eventLoopUs(false, 2000)));
  ctx.record('card_check_event_loop_us_unseen_certificate', Math.round(await eventLoopUs(true, 1000)));

  let issued = 0;
  const issueStart = performance.now();
  while (performance.now() - issueStart < BUDGET_MS || issued < 3) {
    const key = await newKey();
    await authority.issueCertificate({
      profile: 'cardAuthentication',
      publicKeySpki: key.spki,
      notBefore: startOfTokyoDay('2025-06-01'),
      notAfter: endOfTokyoDay('2030-06-01'),
    });
    issued += 1;
  }
  ctx.record('certificate_issue_per_s', Math.round((issued * 10_000) / (performance.now() - issueStart)) / 10);
}
