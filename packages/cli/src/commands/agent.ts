import type { Command } from 'commander';
import { systemClock, validateInstitutionCode } from '@onshi/core';
import { FileAgent } from '../agent/agent.js';
import { DirectOqsClient, HttpOqsClient, type OqsClient } from '../agent/client.js';
import { openContext } from '../context.js';

interface AgentCliOptions {
  dir: string;
  institution: string;
  server?: string;
  token?: string;
  db?: string;
  pollMs: string;
}

/**
 * `onshi agent --dir D --institution CODE [--server URL --token T | --db PATH]`: the file interface of a clinic's
 * 資格確認端末 (decision 0104). The token may also come from ONSHI_AGENT_TOKEN (so it is not in the process list).
 */
export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('the 連携アプリ file interface: answers req/*.xml into res/, reader results into face/')
    .requiredOption('--dir <folder>', 'base folder holding req/, res/ and face/')
    .requiredOption('--institution <code>', '医療機関コード (10 digits)')
    .option('--server <url>', 'the Onshi service, e.g. http://127.0.0.1:8080')
    .option('--token <token>', 'institution credential (or ONSHI_AGENT_TOKEN)')
    .option('--db <path|url>', 'work directly on this database instead of a server')
    .option('--poll-ms <ms>', 'how often req/ is looked at', '1000')
    .action(async (opts: AgentCliOptions) => {
      const check = validateInstitutionCode(opts.institution);
      if (!check.ok) {
        throw new Error(`--institution: ${check.message.en}`);
      }
      const pollMs = Number(opts.pollMs);
      if (!Number.isInteger(pollMs) || pollMs < 50) {
        throw new Error('--poll-ms must be a whole number ≥ 50');
      }
      let client: OqsClient;
      let closeContext = (): Promise<void> => Promise.resolve();
      if (opts.server !== undefined) {
        const token = opts.token ?? process.env.ONSHI_AGENT_TOKEN;
        if (token === undefined) {
          throw new Error('--server needs --token or ONSHI_AGENT_TOKEN');
        }
        client = new HttpOqsClient(opts.server, token);
      } else if (opts.db !== undefined) {
        const ctx = await openContext(opts.db);
        client = new DirectOqsClient(ctx, opts.institution);
        closeContext = () => ctx.store.close();
      } else {
        throw new Error('give --server URL --token T, or --db PATH');
      }
      const agent = new FileAgent({
        dir: opts.dir,
        institutionCode: opts.institution,
        client,
        pollMs,
        log: (line) => {
          console.log(`${systemClock.now().toISOString()} ${line}`);
        },
      });
      await agent.start();
      const stop = async (): Promise<void> => {
        await agent.stop();
        await client.close();
        await closeContext();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
