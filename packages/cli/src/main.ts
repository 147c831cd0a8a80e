/**
 * The `onshi` command: serve, and (as the issues land) seed, import, agent, simulate, audit verify.
 * Each subcommand lives in its own module under commands/ and registers itself here.
 */
import { Command } from 'commander';
import { registerAgent } from './commands/agent.js';
import { registerAudit } from './commands/audit.js';
import { registerCard } from './commands/card.js';
import { registerImport } from './commands/import.js';
import { registerSeed } from './commands/seed.js';
import { registerServe } from './commands/serve.js';
import { registerSimulate } from './commands/simulate.js';

const program = new Command();
program.name('onshi').description('Onshi — オンライン資格確認 / マイナ保険証, open').version('0.1.0');
registerServe(program);
registerSeed(program);
registerImport(program);
registerCard(program);
registerAudit(program);
registerAgent(program);
registerSimulate(program);

await program.parseAsync(process.argv);
