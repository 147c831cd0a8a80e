// Worker entry for TypeScript modules: registers tsx in this thread (a worker does not inherit the parent's loader),
// then imports workerData.entry. Plain JavaScript so Node can start it without a loader (decisions 0125, 0151); see textThread.ts.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
