/**
 * RSA signature checks in batches on a thread of their own (decision 0172). A card check's RSA verification on
 * libuv's thread pool (decision 0169) cost the event loop two thread wake-ups per check — one to hand the job over,
 * one for its result — and on a 2-core VM those cost more than the verification itself. Here the checks that arrive
 * in one turn of the event loop go to the verifier thread in one message and come back in one: two wake-ups per
 * batch. If the thread fails, every pending and later check runs on the thread pool instead; none is lost.
 */
import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** Checks per message at most (a burst is split, so no message grows without bound). */
const MAX_BATCH = 256;

/**
 * The verifier thread: CommonJS, Node built-ins only, so it starts in milliseconds. It keeps the public keys it
 * imported (PKCS#1 DER → KeyObject, bounded, oldest out first) as the event loop's cache does for its own checks.
 */
const VERIFIER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const keys = new Map();
const MAX_KEYS = 20000;
function keyOf(der) {
  let key = keys.get(der);
  if (key === undefined) {
    key = crypto.createPublicKey({ key: Buffer.from(der, 'latin1'), format: 'der', type: 'pkcs1' });
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value);
    keys.set(der, key);
  }
  return key;
}
parentPort.on('message', (m) => {
  const results = [];
  for (let i = 0; i + 2 < m.checks.length; i += 3) {
    try {
      const data = Buffer.from(m.checks[i], 'latin1');
      const signature = Buffer.from(m.checks[i + 1], 'latin1');
      results.push(crypto.verify('sha256', data, keyOf(m.checks[i + 2]), signature));
    } catch {
      results.push(false);
    }
  }
  parentPort.postMessage({ batch: m.batch, results });
});
`;

/** One signature to check: SHA-256 with RSA (PKCS#1 v1.5) over `data`, under the PKCS#1 DER public key `key`. */
export interface SignatureCheck {
  data: Uint8Array;
  signature: Uint8Array;
  key: Uint8Array;
  /**
   * Imports `key`, for the thread-pool path (only called there: the thread imports its own). A module function the
   * caller may cache in, not a closure per check (decision 0176).
   */
  importKey: (key: Uint8Array) => KeyObject;
}

interface Pending {
  check: SignatureCheck;
  resolve: (ok: boolean) => void;
}

/** The thread-pool path (decision 0169): one check, off the event loop, never throwing. */
function onThreadPool(check: SignatureCheck): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    try {
      verifySignature('sha256', check.data, check.importKey(check.key), check.signature, (error, ok) => {
        resolve(error === null && ok);
      });
    } catch {
      resolve(false);
    }
  });
}

/**
 * The bytes as latin1 text (one char per byte) for the thread: a structured clone copies a one-byte string in one go,
 * where each typed array costs an ArrayBuffer on both sides (and a view into a pooled slab or a whole certificate
 * would clone the whole buffer). The thread keeps imported keys by this text.
 */
function bytesText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Batches RSA signature checks to a verifier thread, started on first use. */
export class SignatureBatches {
  private worker: Worker | undefined;
  private failed = false;
  private queue: Pending[] = [];
  private scheduled = false;
  private nextBatch = 0;
  private readonly sent = new Map<number, Pending[]>();

  /** Whether `check.signature` verifies; false for any malformed input. */
  verify(check: SignatureCheck): Promise<boolean> {
    if (this.failed) {
      return onThreadPool(check);
    }
    return new Promise<boolean>((resolve) => {
      this.queue.push({ check, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.flush();
        });
      }
    });
  }

  /** Stops the thread (tests; the thread does not keep a process alive). Later checks start a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) {
      worker.removeAllListeners();
      await worker.terminate();
      this.fallBack([...this.sent.values()].flat());
      this.sent.clear();
    }
  }

  private flush(): void {
    this.scheduled = false;
    const worker = this.failed ? undefined : this.thread();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      if (worker === undefined) {
        this.fallBack(batch);
        continue;
      }
      const id = this.nextBatch++;
      this.sent.set(id, batch);
      worker.ref();
      // Each check as three texts in a row: data, signature, key.
      const checks: string[] = [];
      for (const { check } of batch) {
        checks.push(bytesText(check.data), bytesText(check.signature), bytesText(check.key));
      }
      worker.postMessage({ batch: id, checks });
    }
  }

  private thread(): Worker | undefined {
    if (this.worker !== undefined) {
      return this.worker;
    }
    try {
      const worker = new Worker(VERIFIER_SOURCE, { eval: true });
      worker.on('message', (message: unknown) => {
        this.answered(message);
      });
      worker.on('error', () => {
        this.fail();
      });
      worker.on('exit', () => {
        if (this.worker === worker) {
          this.fail();
        }
      });
      // After the listeners (adding one refs the worker again): an idle thread keeps no process alive; while checks
      // are out (`flush`) it is referenced, so a process waiting for their answers does not end.
      worker.unref();
      this.worker = worker;
      return worker;
    } catch {
      this.failed = true;
      return undefined;
    }
  }

  private answered(message: unknown): void {
    if (typeof message !== 'object' || message === null) {
      return;
    }
    const batch: unknown = Reflect.get(message, 'batch');
    const results: unknown = Reflect.get(message, 'results');
    const pending = typeof batch === 'number' ? this.sent.get(batch) : undefined;
    if (pending === undefined || !Array.isArray(results)) {
      return;
    }
    this.sent.delete(batch as number);
    if (this.sent.size === 0) {
      this.worker?.unref();
    }
    pending.forEach((p, i) => {
      p.resolve(results[i] === true);
    });
  }

  /** The thread is gone: what it was given, and everything after, is checked on the thread pool. */
  private fail(): void {
    this.failed = true;
    this.worker = undefined;
    this.fallBack([...this.sent.values()].flat());
    this.sent.clear();
  }

  private fallBack(pending: readonly Pending[]): void {
    for (const p of pending) {
      void onThreadPool(p.check).then(p.resolve);
    }
  }
}
