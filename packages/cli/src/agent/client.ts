import { tokyoDate } from '@onshi/core';
import { AuditLog } from '@onshi/server/audit/auditLog';
import { handleBulkResult, handleBulkUpload } from '@onshi/server/commands/oqs/bulkConfirmation';
import { bulkWorkerOf, type BulkWorker } from '@onshi/server/commands/oqs/bulkWorker';
import { confirmByNumber } from '@onshi/server/commands/oqs/confirmByNumber';
import { requireOqsInstitution } from '@onshi/server/commands/oqs/institutions';
import { dvEffectsOf, loadQualificationResult } from '@onshi/server/commands/oqs/lookup';
import { handleCheckupInfo, handleMedicationInfo } from '@onshi/server/commands/oqs/medicalInfo';
import {
  handleBulkReferenceNumberRegistration,
  handleBulkReferenceNumberResult,
  handleReferenceNumberRegistration,
} from '@onshi/server/commands/oqs/referenceNumber';
import type { ServerContext } from '@onshi/server';
import { OqsError, errorByCode, toOqsError } from '@onshi/server/formats/errors';
import {
  characterCodeIdentifierOf,
  encodingOfCharacterCode,
  errorXml,
  parseXmlMessage,
  serialiseXml,
  type XmlEncoding,
} from '@onshi/server/formats/oqs-xml/index';
import {
  responseKindOf,
  type MessageOf,
  type QualificationConfirmationResponse,
  type RequestKind,
  type ResponseKind,
} from '@onshi/server/formats/schemas';
import { fromWireDate, toWireDate, toWireDateTime } from '@onshi/server/formats/wire';
import type { Confirmation } from '@onshi/server/store';

/** One reader result for face/: the OQSsiquc01res message and the confirmation it came from. */
export interface FaceResult {
  confirmationId: string;
  at: string;
  message: QualificationConfirmationResponse;
}

/**
 * How the agent reaches the OQS service: over HTTP with the institution's credential (`--server`), or directly
 * on the database (`--db`, the agent on the same machine as the service). Both take a request file's bytes and
 * return the result file's bytes — a coded XML error for anything wrong with the request, never an exception;
 * an exception means "service unreachable, keep the file and retry".
 */
export interface OqsClient {
  exchange(kind: RequestKind, body: Uint8Array): Promise<Uint8Array>;
  /** Delivers reader results at the institution as they happen; returns the stop function. */
  watchFaces(onResult: (result: FaceResult) => void): () => void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

/** The agent over HTTP: request files go to POST /oqs/v1/xml/{kind}; reader results come from GET /oqs/v1/events. */
export class HttpOqsClient implements OqsClient {
  private readonly base: string;

  constructor(
    server: string,
    private readonly token: string,
  ) {
    this.base = server.replace(/\/+$/, '');
  }

  async exchange(kind: RequestKind, body: Uint8Array): Promise<Uint8Array> {
    const response = await fetch(`${this.base}/oqs/v1/xml/${kind}`, {
      method: 'POST',
      headers: { authorization: this.bearer(), 'content-type': 'application/xml' },
      body: new Blob([Uint8Array.from(body)]),
    });
    if (response.status >= 500 && response.status !== 503 && !isXml(response.headers.get('content-type'))) {
      throw new Error(`service answered ${String(response.status)}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  watchFaces(onResult: (result: FaceResult) => void): () => void {
    const controller = new AbortController();
    const loop = async (): Promise<void> => {
      while (!controller.signal.aborted) {
        try {
          await this.readEvents(controller.signal, onResult);
        } catch {
          // Reconnect after a pause (service restart, network).
        }
        await new Promise((resolve) => setTimeout(resolve, 1000).unref());
      }
    };
    void loop();
    return () => {
      controller.abort();
    };
  }

  private async readEvents(signal: AbortSignal, onResult: (result: FaceResult) => void): Promise<void> {
    const response = await fetch(`${this.base}/oqs/v1/events`, {
      headers: { authorization: this.bearer(), accept: 'text/event-stream' },
      signal,
    });
    if (!response.ok || response.body === null) {
      throw new Error(`events: ${String(response.status)}`);
    }
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return;
      }
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const face = faceOfEvent(block);
        if (face !== undefined) {
          onResult(face);
        }
        end = buffer.indexOf('\n\n');
      }
    }
  }

  private bearer(): string {
    return this.token.startsWith('Bearer ') ? this.token : `Bearer ${this.token}`;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function isXml(type: string | null): boolean {
  return type !== null && type.includes('xml');
}

/** One Server-Sent Event block of `readerResult` → a face result. */
export function faceOfEvent(block: string): FaceResult | undefined {
  let event = '';
  let id = '';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) {
      event = line.slice(6).trim();
    } else if (line.startsWith('id:')) {
      id = line.slice(3).trim();
    } else if (line.startsWith('data:')) {
      data += line.slice(5).trim();
    }
  }
  if (event !== 'readerResult' || data === '') {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed !== 'object' || parsed === null) {
      return undefined;
    }
    const messageHeader: unknown = Reflect.get(parsed, 'messageHeader');
    const messageBody: unknown = Reflect.get(parsed, 'messageBody');
    if (typeof messageHeader !== 'object' || messageHeader === null || typeof messageBody !== 'object') {
      return undefined;
    }
    const message = { messageHeader, messageBody } as QualificationConfirmationResponse;
    const at = message.messageHeader.processExecutionTime;
    return { confirmationId: id, at, message };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Direct (same machine as the service)

/** Options of the direct client. */
export interface DirectClientOptions {
  /** How often face/ results are looked for, ms (default 1,000). */
  facePollMs?: number;
  /** Run the 一括照会 worker in this process too (default true; false when a server on the same db runs it). */
  runBulkWorker?: boolean;
}

/**
 * The agent working directly on the store: each request is parsed, checked, handled by the same commands the
 * HTTP endpoints call and serialised; every call is attributed to the agent's institution and audited.
 */
export class DirectOqsClient implements OqsClient {
  private readonly audit: AuditLog;
  private readonly worker: BulkWorker | null;

  constructor(
    private readonly ctx: ServerContext,
    private readonly institutionCode: string,
    private readonly options: DirectClientOptions = {},
  ) {
    this.audit = new AuditLog(ctx.store, ctx.clock);
    this.worker = options.runBulkWorker === false ? null : bulkWorkerOf({ ctx, audit: this.audit });
    this.worker?.start();
  }

  /** The 一括照会 worker this client runs (tests drive it). */
  get bulkWorker(): BulkWorker | null {
    return this.worker;
  }

  async exchange(kind: RequestKind, body: Uint8Array): Promise<Uint8Array> {
    const responseKind = responseKindOf(kind);
    let encoding: XmlEncoding = 'utf8';
    try {
      const parsed = parseXmlMessage(kind, body);
      encoding = parsed.encoding ?? 'utf8';
      if (!parsed.ok) {
        throw parsed.error;
      }
      const message = parsed.value;
      const asked = message.messageHeader.characterCodeIdentifier;
      if (asked !== undefined) {
        encoding = encodingOfCharacterCode(asked);
      }
      if (message.messageHeader.medicalInstitutionCode !== this.institutionCode) {
        throw new OqsError('forbidden', 'MedicalInstitutionCode differs from the agent institution');
      }
      await requireOqsInstitution(this.ctx, this.institutionCode);
      const answer = await this.dispatch(kind, message, characterCodeIdentifierOf(encoding));
      return serialiseXml(responseKind, answer, encoding);
    } catch (thrown) {
      return errorXml(
        responseKind,
        toOqsError(thrown),
        { at: this.ctx.clock.now(), medicalInstitutionCode: this.institutionCode },
        encoding,
      );
    } finally {
      await this.audit.drain();
    }
  }

  private async dispatch(
    kind: RequestKind,
    message: MessageOf<RequestKind>,
    cci: '0' | '1',
  ): Promise<MessageOf<ResponseKind>> {
    const deps = { ctx: this.ctx, audit: this.audit };
    const code = this.institutionCode;
    switch (kind) {
      case 'OQSsiquc01req':
        return this.confirmByNumber(message as MessageOf<'OQSsiquc01req'>, cci);
      case 'OQSmuquc01req': {
        const answer = await handleBulkUpload(deps, code, message as MessageOf<'OQSmuquc01req'>, cci);
        this.worker?.wake();
        return answer;
      }
      case 'OQSmuquc02req':
        return handleBulkResult(deps, code, message as MessageOf<'OQSmuquc02req'>, cci);
      case 'OQSsiimm01req':
        return handleReferenceNumberRegistration(deps, code, message as MessageOf<'OQSsiimm01req'>, cci);
      case 'OQSmuimm01req':
        return handleBulkReferenceNumberRegistration(deps, code, message as MessageOf<'OQSmuimm01req'>, cci);
      case 'OQSmuimm02req':
        return handleBulkReferenceNumberResult(deps, code, message as MessageOf<'OQSmuimm02req'>, cci);
      case 'YZKsiquc01req':
        return handleMedicationInfo(deps, code, message as MessageOf<'YZKsiquc01req'>, cci);
      case 'TKKsiquc01req':
        return handleCheckupInfo(deps, code, message as MessageOf<'TKKsiquc01req'>, cci);
    }
  }

  private async confirmByNumber(
    message: MessageOf<'OQSsiquc01req'>,
    cci: '0' | '1',
  ): Promise<MessageOf<'OQSsiquc01res'>> {
    const header = message.messageHeader;
    const outcome = await confirmByNumber(
      { ctx: this.ctx, audit: this.audit },
      {
        institutionCode: this.institutionCode,
        searchInfo: message.messageBody.qualificationConfirmSearchInfo,
        ...(header.qualificationConfirmationDate !== undefined
          ? { confirmationDate: fromWireDate(header.qualificationConfirmationDate) }
          : {}),
      },
    );
    return {
      messageHeader: {
        processExecutionTime: toWireDateTime(new Date(outcome.at)),
        qualificationConfirmationDate: toWireDate(outcome.confirmationDate),
        medicalInstitutionCode: this.institutionCode,
        ...(header.arbitraryFileIdentifier !== undefined
          ? { arbitraryFileIdentifier: header.arbitraryFileIdentifier }
          : {}),
        referenceClassification: '2',
        segmentOfResult: '1',
        characterCodeIdentifier: cci,
      },
      messageBody: outcome.body,
    };
  }

  /**
   * Polls the institution's confirmations for new card reads (the agent may run in another process than the
   * service, so the in-process reader feed cannot reach it) and rebuilds each result as the reader saw it: the
   * qualification as of that day, the consent given with it, the address hidden under the DV flags.
   */
  watchFaces(onResult: (result: FaceResult) => void): () => void {
    const seen = new Set<string>();
    let since = this.ctx.clock.now().toISOString();
    let stopped = false;
    const tick = async (): Promise<void> => {
      const rows = await this.ctx.store.confirmations.listByInstitution(
        this.institutionCode,
        since,
        '9999-12-31T23:59:59.999Z',
      );
      for (const row of rows) {
        if (row.method !== 'card' || seen.has(row.id)) {
          continue;
        }
        seen.add(row.id);
        if (row.at > since) {
          since = row.at;
        }
        onResult(await this.faceOf(row));
      }
    };
    // One look at a time: a look asked for while another runs (pollFaces beside the timer) starts after it, so it
    // returns only once every result found so far has been handed to onResult.
    let looking: Promise<void> = Promise.resolve();
    const look = (): Promise<void> => {
      const next = looking.catch(() => undefined).then(tick);
      looking = next;
      return next;
    };
    const loop = async (): Promise<void> => {
      while (!stopped) {
        await look().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, this.options.facePollMs ?? 1000).unref());
      }
    };
    void loop();
    this.pollFaces = look;
    return () => {
      stopped = true;
    };
  }

  /** One look for new reader results now (tests call it instead of waiting). */
  pollFaces: () => Promise<void> = () => Promise.resolve();

  private async faceOf(row: Confirmation): Promise<FaceResult> {
    const store = this.ctx.store;
    const at = new Date(row.at);
    const header: QualificationConfirmationResponse['messageHeader'] = {
      processExecutionTime: toWireDateTime(at),
      qualificationConfirmationDate: toWireDate(row.confirmedOn),
      medicalInstitutionCode: row.institutionCode,
      referenceClassification: '1',
      segmentOfResult: '1',
      characterCodeIdentifier: '0',
    };
    const validity = validityOf(row.qualificationValidity);
    const person = row.personId === null ? null : await store.persons.get(row.personId);
    const qualification = row.qualificationId === null ? null : await store.qualifications.get(row.qualificationId);
    const failed = row.resultCode.startsWith('OQS-E-') || person === null || qualification === null;
    if (failed) {
      const entry = errorByCode(row.resultCode) ?? new OqsError('internal').entry;
      return {
        confirmationId: row.id,
        at: row.at,
        message: {
          messageHeader: header,
          messageBody: {
            processingResultStatus: '2',
            processingResultCode: entry.code,
            processingResultMessage: entry.staff.ja,
            ...(validity !== undefined ? { qualificationValidity: validity } : {}),
          },
        },
      };
    }
    const [institution, flags, consents] = await Promise.all([
      store.institutions.get(row.institutionCode),
      store.dvFlags.activeOn(person.id, tokyoDate(at)),
      store.consents.activeAt(person.id, row.institutionCode, row.at),
    ]);
    const { result } = await loadQualificationResult(store, person, qualification, {
      institutionCode: row.institutionCode,
      date: row.confirmedOn,
      at,
      addressHidden: dvEffectsOf(flags).addressHidden,
      offeredItems: institution?.consentItemsEnabled ?? [],
      consent: consents[0] ?? null,
    });
    return {
      confirmationId: row.id,
      at: row.at,
      message: {
        messageHeader: header,
        messageBody: {
          resultList: [result],
          processingResultStatus: '1',
          ...(validity !== undefined ? { qualificationValidity: validity } : {}),
        },
      },
    };
  }

  async close(): Promise<void> {
    await this.worker?.stop();
    await this.audit.drain();
  }
}

function validityOf(value: number | null): '1' | '2' | '3' | '4' | '5' | '6' | undefined {
  const s = String(value);
  return s === '1' || s === '2' || s === '3' || s === '4' || s === '5' || s === '6' ? s : undefined;
}
