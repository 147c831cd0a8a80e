import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyAuditChain } from '@onshi/server/audit/auditLog';
import { createStore } from '@onshi/server/store';
import { defaultDb, storeConfigFor } from '../context.js';

/** What `onshi audit verify` reports: the exit code and one line for the operator. */
export interface AuditVerifyReport {
  exitCode: 0 | 1 | 2;
  message: string;
}

const PROBLEMS = {
  hash: 'its content was changed (hash mismatch)',
  link: 'it does not follow the previous entry (a neighbour was changed, removed or moved)',
  sequence: 'an entry is missing or out of order before it',
} as const;

/**
 * Walks the whole hash-chained audit log (`verifyAuditChain`, issue 6 "Trust and privacy") and reports the first
 * bad entry: exit 0 when intact, 1 when tampered (naming the first bad seq and why), 2 when the database cannot
 * be opened. Reads only; the store's individual-number key is not needed, so a throw-away one is used.
 */
export async function verifyAudit(db: string): Promise<AuditVerifyReport> {
  const config = storeConfigFor(db);
  if (config.kind === 'sqlite' && config.path !== ':memory:' && !existsSync(config.path)) {
    return { exitCode: 2, message: `no database at ${config.path}` };
  }
  let store;
  try {
    store = await createStore(config, { individualNumberKey: randomBytes(32) });
  } catch (error) {
    return {
      exitCode: 2,
      message: `cannot open the database: ${error instanceof Error ? error.message : 'unknown error'}`,
    };
  }
  try {
    const result = await verifyAuditChain(store);
    if (result.ok) {
      return { exitCode: 0, message: `audit log intact: ${result.rows} entries verified` };
    }
    const why = result.problem === null ? 'unknown problem' : PROBLEMS[result.problem];
    return {
      exitCode: 1,
      message: `audit log TAMPERED: first bad seq ${String(result.firstBadSeq)} — ${why}; ${result.rows} entries before it verified`,
    };
  } finally {
    await store.close();
  }
}

/** `onshi audit verify [--db PATH]`. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description(
      'verify the audit chain; exits 1 naming the first bad seq when an entry was changed, removed or reordered',
    )
    .option('--db <path|url>', 'SQLite file or postgres:// URL', defaultDb())
    .action(async (opts: { db: string }) => {
      const report = await verifyAudit(opts.db);
      if (report.exitCode === 0) {
        console.log(report.message);
      } else {
        console.error(report.message);
      }
      process.exitCode = report.exitCode;
    });
}
