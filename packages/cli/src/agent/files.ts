import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/*
 * The folders of the file interface (oqs-interface.md §1): the clinic system drops requests into req/, results
 * appear in res/ and unsolicited reader results in face/. Processed requests move to req/done/.
 */

/** The agent's folders under its base folder. */
export interface AgentFolders {
  req: string;
  res: string;
  face: string;
  done: string;
}

/** The folders under `dir`, created when missing. */
export async function agentFolders(dir: string): Promise<AgentFolders> {
  const folders = {
    req: join(dir, 'req'),
    res: join(dir, 'res'),
    face: join(dir, 'face'),
    done: join(dir, 'req', 'done'),
  };
  for (const folder of Object.values(folders)) {
    await mkdir(folder, { recursive: true });
  }
  return folders;
}

/**
 * Writes a file so that it appears whole or not at all: the bytes go to a hidden temporary name in the same
 * folder (same file system, so the rename is atomic), are flushed to disk (fsync), and only then renamed to the
 * final name; the folder is fsynced too so the rename survives a power cut. A reader of the folder never sees a
 * partial result file (issue 6 "a result file appears atomically").
 */
export async function writeFileAtomically(folder: string, name: string, bytes: Uint8Array): Promise<string> {
  const temp = join(folder, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
  const target = join(folder, name);
  const handle = await open(temp, 'wx', 0o640);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(folder);
  return target;
}

async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic.
  }
}

/** A candidate request file as seen by one poll. */
interface Sighting {
  size: number;
  mtimeMs: number;
}

/**
 * Decides which files in req/ are complete. A file is taken only when its size and modification time are the
 * same in two consecutive polls (and it is not empty): a clinic system still writing it changes one of them, so a
 * half-written file is never read. A file renamed into req/ in one step is complete at once but is still taken on
 * the second poll that sees it — the same rule for both ways of delivering (documented in docs/decisions/0104).
 * Hidden and temporary names (".x", "x.tmp", "x~") never match a request name and are ignored.
 */
export class StableFiles {
  private readonly seen = new Map<string, Sighting>();

  constructor(private readonly accept: (name: string) => boolean) {}

  /** Names that were stable since the previous call; forgets files that disappeared. */
  async poll(folder: string): Promise<string[]> {
    const names = (await readdir(folder, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && this.accept(entry.name))
      .map((entry) => entry.name)
      .sort();
    const ready: string[] = [];
    const present = new Set(names);
    for (const name of [...this.seen.keys()]) {
      if (!present.has(name)) {
        this.seen.delete(name);
      }
    }
    for (const name of names) {
      let now: Sighting;
      try {
        const s = await stat(join(folder, name));
        now = { size: s.size, mtimeMs: s.mtimeMs };
      } catch {
        continue;
      }
      const before = this.seen.get(name);
      this.seen.set(name, now);
      if (before !== undefined && before.size === now.size && before.mtimeMs === now.mtimeMs && now.size > 0) {
        ready.push(name);
      }
    }
    return ready;
  }

  /** Forgets a file once handled (moved away). */
  forget(name: string): void {
    this.seen.delete(name);
  }
}
