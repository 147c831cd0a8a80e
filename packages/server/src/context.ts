import type { Clock } from '@onshi/core';
import type { Store } from './store/types.js';

/** Server-side secrets; loaded from the environment or the data folder, never logged. */
export interface ServerSecrets {
  /** Key of the HMAC proof of check that a claim can quote (issue 6, "Trust and privacy"). */
  proofKey: Buffer;
}

/** What every command and route module receives: storage, time and secrets, all injected. */
export interface ServerContext {
  store: Store;
  clock: Clock;
  secrets: ServerSecrets;
}
