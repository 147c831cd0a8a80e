/**
 * The OQS service under load (issue 6 "Must show"), on a seeded SQLite database of ctx.people people, with the
 * load from a separate process over loopback (bench/load/loadgen.ts, keep-alive node:http); each closed-loop phase
 * runs at each level of CONCURRENCIES (64, 128, 256 in flight) and the best figure counts (decision 0175):
 * - `hello_world_rps`: a bare Fastify JSON route in the same server (the ceiling of this machine and stack);
 * - `confirm_by_number_rps`: POST /oqs/v1/qualification-confirmations (JSON OQSsiquc01req) for random members;
 * - `confirm_by_card_rps`: POST /oqs/v1/reader/confirmations, PIN path — each request a fresh single-use challenge
 *   pre-signed by a real virtual chip from the seed's wallet, so the server verifies signature, certificate chain
 *   and CRL every time;
 * - `confirm_by_number_ratio` / `confirm_by_card_ratio`: each ÷ hello_world_rps (targets ≥ 0.3 / ≥ 0.2);
 * - `confirm_by_number_p99_ms_at_1000rps` / `confirm_by_card_p99_ms_at_1000rps`: p99 latency at a fixed offered
 *   load of 1,000 requests/s (open loop) for about 10 s (target ≤ 20 ms);
 * - for each closed-loop phase, where the CPU went per request (µs): the server process (`…_server_cpu_…`, every
 *   thread), its event loop alone (`…_event_loop_cpu_…`) and the load generator (`…_loadgen_cpu_…`) — the three
 *   share the machine's cores, so their sum bounds the requests/s.
 * The seeded database is cached in ctx.workDir/oqs/ and reused. Every phase is bounded in time.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CardReader, VirtualChip } from '@onshi/card';
import { institutionCodeCheckDigit, systemClock, tokyoDate } from '@onshi/core';
import type { BenchContext } from '../run.js';
import type { LoadConfig, LoadResult } from '../load/loadgen.js';
import { openContext } from '../../packages/cli/src/context.js';
import { seedPopulation } from '../../packages/cli/src/seed/seedPopulation.js';
import { seedWallet, walletPathFor } from '../../packages/cli/src/seed/wallet.js';
import { buildApp } from '../../packages/server/src/app.js';
import { cardAuthorityOf } from '../../packages/server/src/commands/authority/cardAuthority.js';
import type { DemoWallet } from '../../packages/server/src/commands/authority/demoWallet.js';
import { issueChallenge, MAX_OPEN_CHALLENGES } from '../../packages/server/src/commands/oqs/challenge.js';
import { ReadModelFiller } from '../../packages/server/src/commands/oqs/readModelFiller.js';
import { hashSecret, issueCredential } from '../../packages/server/src/http/auth.js';
import { catchUpPersonIndex } from '../../packages/server/src/store/sqlite/personIndex.js';

const HERE = import.meta.dirname;
const WALLET_CARDS = 60;
const CLOSED_SECONDS = 5;
const OPEN_SECONDS = 10;
const OPEN_RATE = 1000;
/**
 * Requests in flight in the closed-loop phases: each phase runs at every level and its best counts (`…_rps`), each
 * level's figure is recorded too (`…_rps_at_64`, …). A route whose requests wait on the journal's group commit and the
 * reader thread needs more in flight than hello-world to keep the server busy (at 64 by number, the event loop was
 * busy ≈ 0.87 of the time and a quarter of the CPU idle; at 128, 0.93): capacity is measured where the server is
 * saturated (decision 0175).
 */
const CONCURRENCIES = [64, 128, 256] as const;
const READER_ID = 'BENCH-READER-1';
/** Challenges live 60 s from issue: signing plus the run must stay well inside it. */
const SIGNING_BUDGET_MS = 35_000;

function institutionCode(): string {
  const first9 = '131999990';
  return `${first9}${String(institutionCodeCheckDigit(first9))}`;
}

/** The cached seeded database, built on first use (population + a wallet of real cards). */
async function seededDb(ctx: BenchContext): Promise<string> {
  const folder = join(ctx.workDir, 'oqs');
  mkdirSync(folder, { recursive: true });
  const db = join(folder, `seed-${String(ctx.people)}.db`);
  const done = `${db}.done`;
  if (existsSync(done) && existsSync(db)) {
    return db;
  }
  for (const suffix of ['', '-wal', '-shm', '.secrets.json', '.wallet.json', '.done']) {
    rmSync(`${db}${suffix}`, { force: true });
  }
  const asOf = tokyoDate(systemClock.now());
  const started = performance.now();
  const seedCtx = await openContext(db);
  try {
    await seedPopulation(seedCtx.store, { people: ctx.people, seed: 1, asOf });
    await seedWallet(seedCtx, { db, count: WALLET_CARDS, asOf });
  } finally {
    await seedCtx.store.close();
  }
  writeFileSync(done, `${asOf}\n`);
  console.log(`# oqs: seeded ${String(ctx.people)} people in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return db;
}

/** Random members in force, as clinics would type them (JSON OQSsiquc01req bodies). */
function numberBodies(db: string, code: string, count: number): string[] {
  const raw = new Database(db, { readonly: true });
  try {
    const rows = raw
      .prepare(
        `SELECT q.insurer_number AS insurerNumber, q.symbol, q.number, q.branch, p.birth_date AS birthDate
           FROM qualifications q JOIN persons p ON p.id = q.person_id
          WHERE q.lost_on IS NULL ORDER BY random() LIMIT ?`,
      )
      .all(count) as {
      insurerNumber: string;
      symbol: string | null;
      number: string;
      branch: string | null;
      birthDate: string;
    }[];
    return rows.map((r) =>
      JSON.stringify({
        messageHeader: { medicalInstitutionCode: code },
        messageBody: {
          qualificationConfirmSearchInfo: {
            insurerNumber: r.insurerNumber,
            ...(r.symbol !== null ? { insuredCardSymbol: r.symbol } : {}),
            insuredIdentificationNumber: r.number,
            ...(r.branch !== null ? { insuredBranchNumber: r.branch } : {}),
            birthdate: r.birthDate.replaceAll('-', ''),
          },
        },
      }),
    );
  } finally {
    raw.close();
  }
}

/** What one load run measured, with the server's CPU time over the measured phase. */
interface Measured extends LoadResult {
  /** CPU time of this process (the server: event loop, journal and background threads, thread pool) per request. */
  serverCpuUsPerRequest: number;
  /** CPU time of the event loop's thread alone per request (Linux /proc; 0 where unreadable). */
  eventLoopCpuUsPerRequest: number;
}

/** CPU time of this process's main thread (µs), from /proc on Linux; null elsewhere. */
function mainThreadCpuUs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${String(process.pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10_000 : null;
  } catch {
    return null;
  }
}

async function load(config: LoadConfig, workDir: string): Promise<Measured> {
  const path = join(workDir, 'oqs', `load-${String(process.pid)}.json`);
  writeFileSync(path, JSON.stringify({ ...config, markStart: true }));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, '..', 'load', 'loadgen.ts'), path], {
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 120_000,
    });
    let stdout = '';
    let cpuAtStart = process.cpuUsage();
    let mainAtStart = mainThreadCpuUs();
    let marked = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!marked && stdout.includes('#measuring')) {
        marked = true;
        // The server's CPU counts from the moment the load generator starts measuring.
        cpuAtStart = process.cpuUsage();
        mainAtStart = mainThreadCpuUs();
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const cpu = process.cpuUsage(cpuAtStart);
    const mainNow = mainThreadCpuUs();
    if (code !== 0) {
      throw new Error(`the load generator exited with ${String(code)}`);
    }
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LoadResult;
    if (result.errors > 0) {
      console.log(`# oqs: ${String(result.errors)} non-2xx answers ${JSON.stringify(result.statuses)}`);
    }
    const per = (us: number): number => (result.requests > 0 ? Math.round(us / result.requests) : 0);
    return {
      ...result,
      serverCpuUsPerRequest: per(cpu.user + cpu.system),
      eventLoopCpuUsPerRequest: mainNow !== null && mainAtStart !== null ? per(mainNow - mainAtStart) : 0,
    };
  } finally {
    rmSync(path, { force: true });
  }
}

/**
 * Runs a closed-loop phase at each level of CONCURRENCIES, records `<name>_rps_at_<level>` for each and returns the
 * best run (whose CPU figures are recorded by the caller).
 */
async function closedAtEachLevel(
  ctx: BenchContext,
  name: string,
  measure: (concurrency: number) => Promise<Measured>,
): Promise<Measured> {
  let best: Measured | undefined;
  for (const concurrency of CONCURRENCIES) {
    const m = await measure(concurrency);
    ctx.record(`${name}_rps_at_${String(concurrency)}`, Math.round(m.rps));
    if (best === undefined || m.rps > best.rps) {
      best = m;
    }
  }
  if (best === undefined) {
    throw new Error('no concurrency level to measure at');
  }
  return best;
}

/** Records where a closed-loop phase's CPU went, per request (the figures the ratios are bounded by). */
function recordCpu(ctx: BenchContext, name: string, m: Measured): void {
  ctx.record(`${name}_server_cpu_us_per_request`, m.serverCpuUsPerRequest);
  ctx.record(`${name}_event_loop_cpu_us_per_request`, m.eventLoopCpuUsPerRequest);
  ctx.record(`${name}_loadgen_cpu_us_per_request`, Math.round(m.cpuUsPerRequest));
}

export async function run(ctx: BenchContext): Promise<void> {
  const db = await seededDb(ctx);
  const server = await openContext(db);
  // The read models complete before measuring, as a server that has run a while has them (decisions 0166, 0171).
  const fillStarted = performance.now();
  const filler = new ReadModelFiller(server.store, { batchKeys: 2000 });
  filler.start();
  const filled = await filler.done();
  if (filled > 0) {
    const seconds = ((performance.now() - fillStarted) / 1000).toFixed(1);
    console.log(`# oqs: read models: ${String(filled)} rows built in ${seconds} s`);
  }
  // Likewise the audit log's person index, which the background thread keeps (decision 0167).
  const indexStarted = performance.now();
  const indexed = catchUpPersonIndex(db);
  if (indexed > 0) {
    const seconds = ((performance.now() - indexStarted) / 1000).toFixed(1);
    console.log(`# oqs: audit person index: ${String(indexed)} rows indexed in ${seconds} s`);
  }
  const app = await buildApp({ ctx: server, fillReadModels: false });
  app.get('/bench/hello', () => ({ hello: 'world' }));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  // The card phase's pre-signed pools (files the load generator reads), removed however the run ends.
  const poolFiles: string[] = [];
  try {
    // As `onshi serve` does, the app starts the check journal's threads when ready (decision 0168): measure with
    // them running, not while they load.
    for (let i = 0; i < 200 && server.store.checkJournal?.status().running === false; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await (await cardAuthorityOf(server)).sync();
    const code = institutionCode();
    await server.store.institutions.upsert({
      institutionCode: code,
      name: 'ベンチ診療所',
      kind: 'clinic',
      prefecture: '13',
      address: '東京都',
      oqsEnabled: true,
      readerStatus: 'working',
      consentItemsEnabled: ['medication', 'checkup'],
      smartphoneReader: false,
    });
    const credential = issueCredential({ kind: 'institution', institutionCode: code });
    await server.store.credentials.put({
      id: credential.id,
      subjectKind: 'institution',
      subjectId: code,
      secretHash: hashSecret(credential.secret),
      label: 'bench',
      createdAt: systemClock.now().toISOString(),
    });
    const headers = { authorization: `Bearer ${credential.token}`, 'content-type': 'application/json' };
    // The open loop's in-flight bound (it sends at a fixed rate regardless of answers).
    const base = { headers, singleUse: false, concurrency: 64, rate: OPEN_RATE, warmup: 0 };

    // hello world
    const hello = await closedAtEachLevel(ctx, 'hello_world', (concurrency) =>
      load(
        {
          ...base,
          concurrency,
          url: `${address}/bench/hello`,
          method: 'GET',
          headers: {},
          bodies: [],
          mode: 'closed',
          durationMs: CLOSED_SECONDS * 1000,
          warmup: 2000,
        },
        ctx.workDir,
      ),
    );
    ctx.record('hello_world_rps', Math.round(hello.rps));
    recordCpu(ctx, 'hello_world', hello);

    // by number
    const bodies = numberBodies(db, code, 5000);
    const byNumberUrl = `${address}/oqs/v1/qualification-confirmations`;
    const byNumber = await closedAtEachLevel(ctx, 'confirm_by_number', (concurrency) =>
      load(
        {
          ...base,
          concurrency,
          url: byNumberUrl,
          method: 'POST',
          bodies,
          mode: 'closed',
          durationMs: CLOSED_SECONDS * 1000,
          warmup: 2000,
        },
        ctx.workDir,
      ),
    );
    ctx.record('confirm_by_number_rps', Math.round(byNumber.rps));
    ctx.record('confirm_by_number_ratio', Math.round((byNumber.rps / hello.rps) * 1000) / 1000);
    recordCpu(ctx, 'confirm_by_number', byNumber);
    const byNumberOpen = await load(
      { ...base, url: byNumberUrl, method: 'POST', bodies, mode: 'open', durationMs: OPEN_SECONDS * 1000 },
      ctx.workDir,
    );
    ctx.record('confirm_by_number_p99_ms_at_1000rps', Math.round(byNumberOpen.p99Ms * 10) / 10);

    // by card: real chips from the wallet sign fresh challenges (PIN path)
    const wallet = JSON.parse(readFileSync(walletPathFor(db), 'utf8')) as DemoWallet;
    const chips = wallet.cards
      .filter((c) => c.scenario === 'standard' && c.image !== null && c.pins !== null)
      .map((c) => ({ chip: VirtualChip.fromImage(c.image), pin: c.pins?.authentication ?? '' }));
    if (chips.length === 0) {
      throw new Error('the wallet holds no standard PIN cards');
    }
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const reader = new CardReader({
      readerId: READER_ID,
      institutionCode: code,
      privateKeyPkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
      certificateDer: new Uint8Array(0),
    });
    // Signed bodies go straight to a file the load generator reads (`bodiesFile`): a real server does not hold tens
    // of thousands of requests in its heap, and a 150 MB pool there made every garbage collection of the card
    // phase slower than the server's own work would.
    const presign = (count: number, name: string): { bodiesFile: string; count: number; msPerSignature: number } => {
      const bodiesFile = join(ctx.workDir, 'oqs', `${name}-${String(process.pid)}.bodies`);
      poolFiles.push(bodiesFile);
      const fd = openSync(bodiesFile, 'w');
      let written = 0;
      const started = performance.now();
      try {
        for (let i = 0; i < count; i += 1) {
          const card = chips[i % chips.length];
          if (card === undefined) {
            break;
          }
          const issued = issueChallenge(server, code, READER_ID);
          const signed = reader.signChallenge(card.chip, Buffer.from(issued.challenge, 'base64url'), card.pin);
          if (!signed.ok) {
            throw new Error(`card signing failed: ${signed.code}`);
          }
          const body = JSON.stringify({
            readerId: READER_ID,
            challengeId: issued.challengeId,
            pin: {
              signature: Buffer.from(signed.signature).toString('base64url'),
              certificate: Buffer.from(signed.certificate).toString('base64url'),
            },
          });
          writeSync(fd, `${body}\n`);
          written += 1;
          if (performance.now() - started > SIGNING_BUDGET_MS) {
            break;
          }
        }
      } finally {
        closeSync(fd);
      }
      return { bodiesFile, count: written, msPerSignature: (performance.now() - started) / Math.max(written, 1) };
    };
    const byCardUrl = `${address}/oqs/v1/reader/confirmations`;
    const probe = presign(1, 'probe');
    const probeBody = readFileSync(probe.bodiesFile, 'utf8').trim();
    rmSync(probe.bodiesFile, { force: true });
    const probeAnswer = await fetch(byCardUrl, { method: 'POST', headers, body: probeBody });
    if (probeAnswer.status !== 200) {
      throw new Error(`card confirmation probe answered ${String(probeAnswer.status)}: ${await probeAnswer.text()}`);
    }
    // Each level its own pool of single-use challenges, enough for a run at up to 0.25 of hello-world (above the 0.2
    // target; a pool used up early says so, and the figure is over the time it lasted). Bounded by the signing
    // budget, and by the server's cap on open challenges (100,000 per process, used ones counting until they expire a
    // minute after issue): every level's pool and the open-loop pool below must fit under it together.
    const closedPoolSize = Math.min(
      Math.ceil(hello.rps * CLOSED_SECONDS * 0.25),
      Math.floor((MAX_OPEN_CHALLENGES - OPEN_RATE * OPEN_SECONDS) / CONCURRENCIES.length) - 1000,
    );
    const signing: number[] = [];
    const byCard = await closedAtEachLevel(ctx, 'confirm_by_card', async (concurrency) => {
      const closedPool = presign(closedPoolSize, `card-closed-${String(concurrency)}`);
      const measured = await load(
        {
          ...base,
          concurrency,
          url: byCardUrl,
          method: 'POST',
          bodies: [],
          bodiesFile: closedPool.bodiesFile,
          singleUse: true,
          mode: 'closed',
          durationMs: CLOSED_SECONDS * 1000,
        },
        ctx.workDir,
      );
      rmSync(closedPool.bodiesFile, { force: true });
      if (measured.requests >= closedPool.count) {
        console.log(
          `# oqs: the card pool (${String(closedPool.count)} challenges) was used up after ` +
            `${measured.seconds.toFixed(1)} s at ${String(concurrency)} in flight; the figure is over that time`,
        );
      }
      signing.push(closedPool.msPerSignature);
      return measured;
    });
    ctx.record('confirm_by_card_rps', Math.round(byCard.rps));
    ctx.record('confirm_by_card_ratio', Math.round((byCard.rps / hello.rps) * 1000) / 1000);
    recordCpu(ctx, 'confirm_by_card', byCard);
    const openPool = presign(OPEN_RATE * OPEN_SECONDS, 'card-open');
    const openSeconds = Math.min(OPEN_SECONDS, Math.floor(openPool.count / OPEN_RATE));
    const byCardOpen = await load(
      {
        ...base,
        url: byCardUrl,
        method: 'POST',
        bodies: [],
        bodiesFile: openPool.bodiesFile,
        singleUse: true,
        mode: 'open',
        durationMs: openSeconds * 1000,
      },
      ctx.workDir,
    );
    ctx.record('confirm_by_card_p99_ms_at_1000rps', Math.round(byCardOpen.p99Ms * 10) / 10);
    console.log(
      `# oqs: signing ${Math.max(...signing).toFixed(2)} ms/challenge; card open loop ${String(openSeconds)} s; ` +
        `p50 by number ${byNumberOpen.p50Ms.toFixed(1)} ms, by card ${byCardOpen.p50Ms.toFixed(1)} ms`,
    );
  } finally {
    for (const file of poolFiles) {
      rmSync(file, { force: true });
    }
    await app.close();
    await server.store.close();
  }
}
