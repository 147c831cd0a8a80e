import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SignatureBatches, type SignatureCheck } from './signatureBatches.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyDer = new Uint8Array(publicKey.export({ format: 'der', type: 'pkcs1' }));

/** A challenge signed as a card signs it (SHA-256 with RSA, PKCS#1 v1.5), given to the checker as a card check does. */
function signed(challenge: string): SignatureCheck {
  const data = new Uint8Array(Buffer.from(challenge));
  return {
    data,
    signature: new Uint8Array(sign('sha256', data, privateKey)),
    key: keyDer,
    importKey: (der) => createPublicKey({ key: Buffer.from(der), format: 'der', type: 'pkcs1' }),
  };
}

const open: SignatureBatches[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

// decision 0172: the card checks of one turn are verified together on a thread; the answers are the signature's.
describe('signature checks in batches', () => {
  it('answers each check of a burst: a good signature verifies, a changed challenge, signature or key does not', async () => {
    const batches = new SignatureBatches();
    open.push(batches);
    const good = Array.from({ length: 300 }, (_, i) => signed(`challenge-${String(i)}`));
    const otherChallenge = { ...signed('a'), data: new Uint8Array(Buffer.from('b')) };
    const flipped = signed('c');
    flipped.signature = flipped.signature.map((b, i) => (i === 0 ? b ^ 1 : b));
    const garbageKey = { ...signed('d'), key: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]) };
    // Views into larger buffers (a pooled Buffer, a whole request): exactly their bytes are checked.
    const inViews = signed('e');
    const slab = new Uint8Array(4096).fill(0x5a);
    slab.set(inViews.data, 100);
    slab.set(inViews.signature, 1000);
    const viewed = { ...inViews, data: slab.subarray(100, 100 + inViews.data.length) };
    viewed.signature = slab.subarray(1000, 1000 + inViews.signature.length);
    const checks = [...good, otherChallenge, flipped, garbageKey, viewed];
    const answers = await Promise.all(checks.map((c) => batches.verify(c)));
    expect(answers.slice(0, 300).every((ok) => ok)).toBe(true);
    expect(answers.slice(300)).toEqual([false, false, false, true]);
  });

  it('loses no check when its thread goes: those in flight and later ones are checked on the thread pool', async () => {
    const batches = new SignatureBatches();
    open.push(batches);
    const inFlight = Promise.all([signed('e'), signed('f')].map((c) => batches.verify(c)));
    // Let the batch reach the thread, then stop it before it answers.
    await new Promise((resolve) => setImmediate(resolve));
    await batches.close();
    expect(await inFlight).toEqual([true, true]);
    expect(await batches.verify(signed('g'))).toBe(true);
    expect(await batches.verify({ ...signed('h'), data: new Uint8Array([1]) })).toBe(false);
  });

  it('keeps a process alive while checks are out, and not after: a script ends once it has its answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onshi-signatures-'));
    const script = join(dir, 'one-check.mts');
    const module = fileURLToPath(new URL('./signatureBatches.ts', import.meta.url));
    writeFileSync(
      script,
      [
        "import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';",
        `import { SignatureBatches } from ${JSON.stringify(module)};`,
        "const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });",
        "const key = new Uint8Array(publicKey.export({ format: 'der', type: 'pkcs1' }));",
        'const data = new Uint8Array([1, 2, 3]);',
        "const signature = new Uint8Array(sign('sha256', data, privateKey));",
        'const ok = await new SignatureBatches().verify({ data, key, signature, importKey: () => createPublicKey(publicKey) });',
        "process.stdout.write(ok ? 'verified' : 'refused');",
      ].join('\n'),
    );
    try {
      const outcome = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = execFile(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 }, (_e, out) => {
          resolve({ code: child.exitCode, out });
        });
      });
      // Exit code 13 would be a top-level await the process ended without; a timeout, a thread that kept it alive.
      expect(outcome).toEqual({ code: 0, out: 'verified' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
