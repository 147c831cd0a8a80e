import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Who is calling. Each surface has its own credentials (architecture.md, "Who uses it"): an insurer sees only its
 * own members, an institution's every call is attributed to it, the card authority and analysts are separate.
 */
export type Principal =
  | { kind: 'insurer'; insurerNumber: string }
  | { kind: 'institution'; institutionCode: string }
  | { kind: 'authority' }
  | { kind: 'analyst' };

/** The kinds of principal, as they appear in credential ids (`insurer:01130012`). */
export type PrincipalKind = Principal['kind'];

/** A credential as issued: the id is public, the secret is shown once and stored only as a hash. */
export interface IssuedCredential {
  id: string;
  secret: string;
  /** `Authorization: Bearer <token>` */
  token: string;
}

/** The credential id of a principal: `insurer:01130012` (国保: six digits, `insurer:138057`), `institution:1311111111`, `authority`, `analyst`. */
export function credentialId(principal: Principal): string {
  switch (principal.kind) {
    case 'insurer':
      return `insurer:${principal.insurerNumber}`;
    case 'institution':
      return `institution:${principal.institutionCode}`;
    case 'authority':
    case 'analyst':
      return principal.kind;
  }
}

/** Parses a credential id back to its principal; undefined for anything else. */
export function principalOf(id: string): Principal | undefined {
  const [kind, key] = id.split(':', 2);
  if (kind === 'insurer' && key !== undefined && /^(\d{6}|\d{8})$/.test(key)) {
    return { kind, insurerNumber: key };
  }
  if (kind === 'institution' && key !== undefined && /^\d{10}$/.test(key)) {
    return { kind, institutionCode: key };
  }
  if ((kind === 'authority' || kind === 'analyst') && key === undefined) {
    return { kind };
  }
  return undefined;
}

/** SHA-256 of a secret: secrets are long random strings, so a fast hash is enough (no password stretching). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Makes a new credential for a principal. `random` is injectable so seeded demos can be reproducible. */
export function issueCredential(principal: Principal, random: (n: number) => Buffer = randomBytes): IssuedCredential {
  const id = credentialId(principal);
  const secret = random(24).toString('base64url');
  return { id, secret, token: `${id}.${secret}` };
}

/** Splits a bearer token `<id>.<secret>`; undefined when malformed. */
export function parseToken(token: string): { id: string; secret: string } | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0 || dot === token.length - 1 || token.length > 200) {
    return undefined;
  }
  return { id: token.slice(0, dot), secret: token.slice(dot + 1) };
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads the bearer token from an Authorization header value. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) {
    return undefined;
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1];
}
