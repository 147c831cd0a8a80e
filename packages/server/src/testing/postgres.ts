/**
 * A throw-away PostgreSQL cluster for integration tests: initdb + pg_ctl from Debian's postgresql packages
 * (/usr/lib/postgresql/<version>/bin) in a fresh temp directory, listening on 127.0.0.1 and a free port with trust
 * auth, durability off (it is deleted afterwards). Tests run as root, and PostgreSQL refuses to run as root, so the
 * binaries run as the `postgres` OS user (`runuser -u postgres --`). When PostgreSQL is missing this throws: a
 * test that needs it fails with a clear message instead of being skipped.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A running throw-away cluster. */
export interface TestPostgres {
  /** Connection URL of the `postgres` database. */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';

/** The bin directory of the newest installed PostgreSQL, or throws with how to install it. */
export function postgresBinDir(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL is not installed (no ${PG_ROOT}/<version>/bin/initdb). Install it with ` +
        '`apt-get install postgresql` (scripts/ensure-system-deps.sh does this); the PostgreSQL store tests need it.',
    );
  }
  return join(PG_ROOT, newest, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') {
          resolve(address.port);
        } else {
          reject(new Error('no port'));
        }
      });
    });
  });
}

/** Runs a PostgreSQL binary, as the postgres OS user when we are root. */
function runAsPostgres(asRoot: boolean, command: string, args: readonly string[]): void {
  const [file, fullArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
  execFileSync(file, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
}

function userIds(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Starts a fresh cluster. Call `stop()` in afterAll. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'onshi-pg-'));
  if (asRoot) {
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const describe = (error: unknown): Error =>
    new Error(
      `could not start the test PostgreSQL in ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  try {
    runAsPostgres(asRoot, join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=50',
    ].join(' ');
    runAsPostgres(asRoot, join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw describe(error);
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
        throw new RangeError(`bad database name ${name}`);
      }
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      if (stopped) {
        return Promise.resolve();
      }
      stopped = true;
      try {
        runAsPostgres(asRoot, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return Promise.resolve();
    },
  };
}
