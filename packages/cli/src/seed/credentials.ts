/**
 * API credentials for a seeded database: one per insurer and per institution, plus the card authority and an
 * analyst, so the demo, the agent and the tests can call every API. Secrets are random (never derived from the
 * seed), stored in the Store only as hashes (http/auth.ts), and written once in clear to `<db>.credentials.json`
 * with file mode 0600 beside the database (decision 0087).
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hashSecret, issueCredential, type Principal } from '@onshi/server/http/auth';
import type { Store } from '@onshi/server/store';

/** The credentials file: bearer tokens (`<credential id>.<secret>`) by subject. */
export interface CredentialsFile {
  /** The database these tokens open. */
  database: string;
  createdAt: string;
  authority: string;
  analyst: string;
  /** 保険者番号 → token. */
  insurers: Record<string, string>;
  /** 医療機関コード → token. */
  institutions: Record<string, string>;
}

/** Where the credentials of a database live: `<db>.credentials.json`; for PostgreSQL, data/onshi.credentials.json. */
export function credentialsPathFor(db: string): string {
  return /^postgres(ql)?:\/\//.test(db) ? 'data/onshi.credentials.json' : `${db}.credentials.json`;
}

/**
 * Issues (or rotates) a credential for every insurer and institution in the store and for the authority and an
 * analyst, in one transaction; returns the tokens.
 */
export async function issueSeedCredentials(store: Store, database: string, at: string): Promise<CredentialsFile> {
  const file: CredentialsFile = { database, createdAt: at, authority: '', analyst: '', insurers: {}, institutions: {} };
  await store.transaction(async (tx) => {
    const put = async (principal: Principal, label: string): Promise<string> => {
      const credential = issueCredential(principal);
      const subjectId =
        principal.kind === 'insurer'
          ? principal.insurerNumber
          : principal.kind === 'institution'
            ? principal.institutionCode
            : principal.kind;
      await tx.credentials.put({
        id: credential.id,
        subjectKind: principal.kind,
        subjectId,
        secretHash: hashSecret(credential.secret),
        label,
        createdAt: at,
      });
      return credential.token;
    };
    file.authority = await put({ kind: 'authority' }, 'seed: card authority');
    file.analyst = await put({ kind: 'analyst' }, 'seed: analyst');
    for (const insurer of await tx.insurers.list()) {
      file.insurers[insurer.insurerNumber] = await put(
        { kind: 'insurer', insurerNumber: insurer.insurerNumber },
        `seed: ${insurer.name}`,
      );
    }
    for (const institution of await tx.institutions.list()) {
      file.institutions[institution.institutionCode] = await put(
        { kind: 'institution', institutionCode: institution.institutionCode },
        `seed: ${institution.name}`,
      );
    }
  });
  return file;
}

/** Writes the credentials file with mode 0600 (also when it already existed with wider permissions). */
export async function writeCredentialsFile(path: string, file: CredentialsFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  await chmod(path, 0o600);
}
