import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OqsError } from '@onshi/server/formats/errors';
import { faceFileName, parseRequestFileName, responseFileName } from '@onshi/server/formats/fileNames';
import { serialiseXml } from '@onshi/server/formats/oqs-xml/index';
import type { OqsClient, FaceResult } from './client.js';
import { StableFiles, agentFolders, writeFileAtomically, type AgentFolders } from './files.js';

/** What the agent tells its operator (never personal data: file names, codes and counts only). */
export type AgentLog = (line: string) => void;

/** Options of the file-interface agent. */
export interface AgentOptions {
  dir: string;
  institutionCode: string;
  client: OqsClient;
  /** Poll interval of req/, ms (default 1,000: results within seconds, as the 連携アプリ does). */
  pollMs?: number;
  log?: AgentLog;
}

/** A request-shaped name the agent should answer or set aside (OQS prefixes it does not implement included). */
function looksLikeRequest(name: string): boolean {
  return /^[A-Za-z0-9]{13}_[0-9A-Za-z_-]{1,64}\.xml$/i.test(name) && /req_/i.test(name);
}

/**
 * The 連携アプリ of a clinic's 資格確認端末 (oqs-interface.md §1; decision 0104): watches req/ for request files,
 * sends each complete one to the service and writes the answer into res/ under the same name with req → res,
 * atomically; moves the request to req/done/. Reader confirmations at the institution appear on their own in
 * face/ as OQSsiquc01res_face_{医療機関コード}{id20}_{yyyyMMddHHmmss}.xml. A bad file gets an error result
 * file, never a crash; when the service cannot be reached the request stays in req/ and is tried again.
 */
export class FileAgent {
  private folders: AgentFolders | null = null;
  private readonly stable = new StableFiles(looksLikeRequest);
  private timer: NodeJS.Timeout | null = null;
  private stopFaces: (() => void) | null = null;
  private running = false;
  private busy: Promise<number> | null = null;
  private readonly log: AgentLog;

  constructor(private readonly options: AgentOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** Creates the folders, subscribes to reader results and starts polling req/. */
  async start(): Promise<void> {
    this.folders = await agentFolders(this.options.dir);
    this.running = true;
    this.stopFaces = this.options.client.watchFaces((face) => {
      void this.writeFace(face).catch((error: unknown) => {
        this.log(`face: cannot write (${error instanceof Error ? error.message : 'error'})`);
      });
    });
    const tick = (): void => {
      void this.pollOnce()
        .catch((error: unknown) => {
          this.log(`poll failed: ${error instanceof Error ? error.message : 'error'}`);
        })
        .finally(() => {
          if (this.running) {
            this.timer = setTimeout(tick, this.options.pollMs ?? 1000);
          }
        });
    };
    tick();
  }

  /** Stops polling and the face subscription; waits for the file in progress. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.stopFaces?.();
    if (this.busy !== null) {
      await this.busy.catch(() => undefined);
    }
  }

  /** The folders (after start). */
  async paths(): Promise<AgentFolders> {
    this.folders ??= await agentFolders(this.options.dir);
    return this.folders;
  }

  /** One look at req/: answers every file that stayed unchanged since the previous look; returns how many. */
  pollOnce(): Promise<number> {
    if (this.busy === null) {
      this.busy = this.answerReady().finally(() => {
        this.busy = null;
      });
    }
    return this.busy;
  }

  private async answerReady(): Promise<number> {
    const folders = await this.paths();
    const ready = await this.stable.poll(folders.req);
    let answered = 0;
    for (const name of ready) {
      if (await this.answer(folders, name)) {
        answered += 1;
      }
    }
    return answered;
  }

  /** Answers one request file; false when the service was unreachable (the file stays for the next poll). */
  private async answer(folders: AgentFolders, name: string): Promise<boolean> {
    const path = join(folders.req, name);
    let parsed;
    try {
      parsed = parseRequestFileName(name);
    } catch (error) {
      const code = error instanceof OqsError ? error.code : 'OQS-E-FILE-NAME';
      this.log(`${name}: not answered (${code}); moved to req/done`);
      await this.moveDone(folders, name);
      return true;
    }
    const bytes = await readFile(path);
    let result: Uint8Array;
    try {
      result = await this.options.client.exchange(parsed.kind, bytes);
    } catch (error) {
      this.log(`${name}: service unreachable (${error instanceof Error ? error.message : 'error'}); will retry`);
      this.stable.forget(name);
      return false;
    }
    await writeFileAtomically(folders.res, responseFileName(name), result);
    await this.moveDone(folders, name);
    this.log(`${name}: answered`);
    return true;
  }

  private async moveDone(folders: AgentFolders, name: string): Promise<void> {
    this.stable.forget(name);
    const target = join(folders.done, name);
    await rm(target, { force: true });
    await rename(join(folders.req, name), target);
  }

  /** Writes one reader result into face/ (atomically). */
  async writeFace(face: FaceResult): Promise<string> {
    const folders = await this.paths();
    const id = face.confirmationId
      .replace(/[^0-9A-Za-z]/g, '')
      .padEnd(20, '0')
      .slice(0, 20);
    const at = new Date(face.at.length === 14 ? isoOfWire(face.at) : face.at);
    const name = faceFileName(this.options.institutionCode, id, at);
    await writeFileAtomically(folders.face, name, serialiseXml('OQSsiquc01res', face.message, 'utf8'));
    this.log(`face: ${name}`);
    return name;
  }
}

/** yyyyMMddHHmmss (Japan) → ISO instant. */
function isoOfWire(wire: string): string {
  return `${wire.slice(0, 4)}-${wire.slice(4, 6)}-${wire.slice(6, 8)}T${wire.slice(8, 10)}:${wire.slice(10, 12)}:${wire.slice(12, 14)}+09:00`;
}
