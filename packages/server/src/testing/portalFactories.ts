/**
 * Test factories for the citizen portal: a server whose card trust is a test authority, a clinic with its reader,
 * members with cards issued through the authority's chip personalisation, and the portal device that logs a card in
 * over HTTP exactly as a home PC or phone would (certificate → challenge → the chip signs after its PIN).
 */
import type { CardReader } from '@onshi/card';
import { CardAuthority } from '../authority/index.js';
import { PortalDevice } from '../commands/portal/device.js';
import type { CardKind } from '../store/types.js';
import { createTestServer, type TestServer } from './harness.js';
import {
  addInstitution,
  addMember,
  institutionCodeFor,
  issueTestCard,
  testReader,
  trustAuthority,
  type MemberOptions,
  type TestCard,
} from './oqsFactories.js';

/** base64url of bytes, as the API takes them. */
export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** The clinic every portal test uses. */
export const CLINIC = institutionCodeFor('13', '1', '100001');

/** A portal test world: server, authority, a clinic with its credential and reader. */
export interface PortalWorld {
  server: TestServer;
  authority: CardAuthority;
  reader: CardReader;
  clinicAuth: string;
  device: PortalDevice;
}

let sharedAuthority: Promise<{ authority: CardAuthority; reader: CardReader }> | undefined;

/** One test authority and reader for the whole test file (key generation is the slow part). */
function authorityAndReader(): Promise<{ authority: CardAuthority; reader: CardReader }> {
  sharedAuthority ??= CardAuthority.create(new Date('2020-01-01T00:00:00Z')).then(async (authority) => ({
    authority,
    reader: await testReader(authority, CLINIC, 'R-0001'),
  }));
  return sharedAuthority;
}

/** A fresh server "as of" `at`, trusting the test authority, with the clinic registered. */
export async function portalWorld(at: string): Promise<PortalWorld> {
  const { authority, reader } = await authorityAndReader();
  const server = await createTestServer({ at });
  await trustAuthority(server.ctx, authority, new Date(at));
  await addInstitution(server.ctx, { institutionCode: CLINIC, name: 'オンシ内科クリニック' });
  const clinicAuth = await server.tokenFor({ kind: 'institution', institutionCode: CLINIC });
  return { server, authority, reader, clinicAuth, device: new PortalDevice() };
}

/** A member with a card (standard and registered unless told otherwise). */
export async function memberWithCard(
  world: PortalWorld,
  options: MemberOptions & {
    kind?: CardKind;
    registered?: boolean;
    certificateExpiresOn?: string;
    cardExpiresOn?: string;
  } = {},
): Promise<Awaited<ReturnType<typeof addMember>> & { card: TestCard }> {
  const member = await addMember(world.server.ctx, options);
  const card = await issueTestCard(world.server.ctx, world.authority, member.person.id, {
    ...(options.kind !== undefined ? { kind: options.kind } : {}),
    ...(options.registered !== undefined ? { registered: options.registered } : {}),
    ...(options.certificateExpiresOn !== undefined ? { certificateExpiresOn: options.certificateExpiresOn } : {}),
    ...(options.cardExpiresOn !== undefined ? { cardExpiresOn: options.cardExpiresOn } : {}),
  });
  return { ...member, card };
}

/** The outcome of a device login: the session header, or the refusal (HTTP status and code, chip tries left). */
export type DeviceLogin =
  | { ok: true; authorization: string; token: string }
  | { ok: false; status: number; code: string | null; remainingTries: number | null };

/** Logs a card in through the portal API with `pin`, driving the chip like the portal device does. */
export async function deviceLogin(world: PortalWorld, card: TestCard, pin = '1234'): Promise<DeviceLogin> {
  const certificate = world.device.readCertificate(card.chip);
  if (!certificate.ok) {
    return { ok: false, status: 0, code: certificate.code, remainingTries: null };
  }
  const started = await world.server.app.inject({
    method: 'POST',
    url: '/portal/v1/login/challenges',
    payload: { certificate: b64(certificate.value) },
  });
  if (started.statusCode !== 201) {
    const body: { error?: { code?: string } } = started.json();
    return { ok: false, status: started.statusCode, code: body.error?.code ?? null, remainingTries: null };
  }
  const challenge: { challengeId: string; challenge: string } = started.json();
  const signed = world.device.sign(card.chip, Buffer.from(challenge.challenge, 'base64url'), pin);
  if (!signed.ok) {
    return { ok: false, status: 0, code: signed.code, remainingTries: signed.remainingTries };
  }
  const done = await world.server.app.inject({
    method: 'POST',
    url: '/portal/v1/login',
    payload: {
      challengeId: challenge.challengeId,
      signature: b64(signed.signature),
      certificate: b64(signed.certificate),
    },
  });
  if (done.statusCode !== 200) {
    const body: { error?: { code?: string } } = done.json();
    return { ok: false, status: done.statusCode, code: body.error?.code ?? null, remainingTries: null };
  }
  const session: { token: string } = done.json();
  return { ok: true, authorization: `Bearer ${session.token}`, token: session.token };
}
