import { X509Certificate, randomBytes } from 'node:crypto';
import {
  CardReader,
  SimulatedCamera,
  Smartphone,
  VirtualChip,
  faceFromSeed,
  isCardImage,
  type ApduTransport,
  type CardImage,
  type ReaderIdentity,
  type SmartphoneImage,
} from '@onshi/card';
import { addDays, tokyoDate, type Bilingual, type CardKind } from '@onshi/core';
import type { AuditLog } from '../../audit/auditLog.js';
import type { ServerContext } from '../../context.js';
import { OqsError } from '../../formats/errors.js';
import { AppError } from '../../http/errors.js';
import type { ConsentItem, Institution } from '../../store/types.js';
import { issueReaderCertificate } from '../authority/readerCertificates.js';
import { issueChallenge } from '../oqs/challenge.js';
import { confirmByCard, type CardProof } from '../oqs/confirmByCard.js';
import type { ConsentAnswer } from '../oqs/consent.js';
import { requireInstitution } from '../oqs/institutions.js';
import { PATIENT_SCREENS, READER_ERRORS, patientScreenFor, type PatientScreen } from './errors.js';
import { readWalletFile, writeWalletFile, type WalletCard, type WalletFile } from './wallet.js';

/** What the bridge's commands need: the context and the audit log (a route passes its RouteDeps). */
export interface ReaderDeps {
  ctx: ServerContext;
  audit: AuditLog;
}

/** The reader id the bridge uses for an institution's kiosk (one reader per institution in the demo). */
export const KIOSK_READER_ID = 'kiosk-1';
/** A kiosk session is dropped after this long without finishing (the card is taken away). */
export const SESSION_TTL_MS = 15 * 60_000;
/** A face attestation is re-made when its challenge has less than this left (consent screens take time). */
const CHALLENGE_MARGIN_MS = 10_000;
/** The e-cert alert starts 3 months before expiry (documents-and-screens.md §4.1 1e, R8). */
const EXPIRY_ALERT_DAYS = 92;
const MAX_SESSIONS = 1000;

/** How the holder proves who they are on this card (rules.md §4, §6 step 1; §4 Smartphone). */
export type AuthMethod = 'face' | 'pin' | 'device';
/** Whose face the camera stand-in shows. */
export type FaceSubject = 'holder' | 'someoneElse';

/** A card of the wallet as the kiosk lists it: label and kind only, never keys or names of fields. */
export interface WalletEntry {
  id: string;
  label: Bilingual;
  kind: CardKind | 'other';
  platform: 'android' | 'iphone' | null;
}

/** The kiosk's view of its reader: institution name, status and what the screens offer. */
export interface KioskStatus {
  institutionCode: string;
  institutionName: string;
  readerStatus: 'working' | 'outOfOrder';
  consentItemsEnabled: ConsentItem[];
  smartphoneReader: boolean;
}

/** The certificate on the card, as the reader reads it before authentication (e-cert alert, §4.1 1e). */
export type CertificateState = 'valid' | 'expiringSoon' | 'expired';

/** A session started: which methods the card allows and the tries left. */
export type SessionStart =
  | {
      ok: true;
      sessionId: string;
      kind: CardKind;
      platform: 'android' | 'iphone' | null;
      methods: AuthMethod[];
      pinRemainingTries: number | null;
      certificate: CertificateState;
      certificateExpiresOn: string;
    }
  | { ok: false; screen: PatientScreen };

/** The answer to a PIN or a face: go on, try again (tries left), or a screen that ends the session. */
export type AuthStep =
  | { ok: true; method: AuthMethod }
  | { ok: false; retry: true; remainingTries: number | null; message: Bilingual }
  | { ok: false; retry: false; screen: PatientScreen };

/** The end of a session: the patient screen, and whether the result went to reception. */
export interface FinishResult {
  screen: PatientScreen;
  confirmationId: string | null;
}

interface Session {
  id: string;
  institutionCode: string;
  walletCardId: string;
  transport: ApduTransport;
  chip: VirtualChip | null;
  phone: Smartphone | null;
  kind: CardKind;
  methods: AuthMethod[];
  authenticated: AuthMethod | null;
  faceSubject: FaceSubject | null;
  faceProof: { challengeId: string; expiresAt: number; proof: CardProof } | null;
  camera: SimulatedCamera;
  expiresAt: number;
}

function methodsOf(kind: CardKind, platform: 'android' | 'iphone' | null): AuthMethod[] {
  if (kind === 'faceOnly') {
    return ['face'];
  }
  if (kind === 'smartphone') {
    return platform === 'iphone' ? ['device'] : ['pin'];
  }
  return ['face', 'pin'];
}

function faceOf(card: WalletCard, subject: FaceSubject): Float32Array {
  return faceFromSeed(subject === 'holder' ? card.holderFaceSeed : `someone-else:${card.holderFaceSeed}`);
}

/**
 * The reader-device bridge (顔認証付きカードリーダー, as a local device service in the server process for the demo):
 * it holds the wallet's chip images and drives a chip only through `@onshi/card`'s CardReader over APDUs, so the
 * browser never sees a key. A kiosk session: place a card → face (camera stand-in) or PIN (the chip's VERIFY,
 * 3 wrong lock, rules.md §4) → consent and 電子処方箋 answers → the OQS confirmation by card (in process) → a
 * patient-safe screen. Chip counters persist in the wallet between sessions, as on a real card.
 */
export class ReaderBridge {
  private wallet: WalletFile = { format: 'onshi-demo-wallet/1', cards: [] };
  private walletPath: string | null = null;
  private readonly sessions = new Map<string, Session>();
  private readonly readers = new Map<string, Promise<CardReader>>();

  /** Uses a wallet (and writes chip counters back to `path` when given). */
  useWallet(wallet: WalletFile, path: string | null = null): void {
    this.wallet = structuredClone(wallet);
    this.walletPath = path;
    this.sessions.clear();
  }

  /**
   * Loads the wallet file the card authority wrote (`issueDemoWallet`: `onshi seed`, `onshi card wallet`); chip
   * counters are written back to it. Returns the number of cards. `onshi serve` calls this at start.
   */
  async loadWallet(path: string): Promise<number> {
    const wallet = await readWalletFile(path);
    this.useWallet(wallet, path);
    return wallet.cards.length;
  }

  /**
   * Lends a wallet card's chip to another device that reads the same physical card (the portal's home reader), and
   * keeps its counters afterwards: a wrong PIN at home counts on the same chip the clinic's reader sees. Phones and
   * empty slots are refused.
   */
  async withChip<T>(walletCardId: string, use: (chip: VirtualChip) => Promise<T>): Promise<T> {
    const card = this.walletCard(walletCardId);
    if (card.image === null || !isCardImage(card.image)) {
      throw new AppError(READER_ERRORS.unknownCard);
    }
    const chip = VirtualChip.fromImage(card.image);
    try {
      return await use(chip);
    } finally {
      card.image = chip.exportImage();
      if (this.walletPath !== null) {
        await writeWalletFile(this.walletPath, this.wallet);
      }
    }
  }

  /** The wallet's cards, labels and kinds only. */
  listCards(): WalletEntry[] {
    return this.wallet.cards.map((card) => {
      const chip = card.image === null ? null : isCardImage(card.image) ? card.image : card.image.chip;
      return {
        id: card.id,
        label: card.label,
        kind: chip === null ? 'other' : chip.kind,
        platform: chip?.platform ?? null,
      };
    });
  }

  /** The kiosk's status for its institution. */
  async status(deps: ReaderDeps, institutionCode: string): Promise<KioskStatus> {
    const institution = await requireInstitution(deps.ctx.store, institutionCode);
    return {
      institutionCode,
      institutionName: institution.name,
      readerStatus: institution.readerStatus,
      consentItemsEnabled: institution.consentItemsEnabled,
      smartphoneReader: institution.smartphoneReader,
    };
  }

  /** The institution's reader: its device key and certificate from the card authority, made on first use. */
  private readerFor(deps: ReaderDeps, institutionCode: string): Promise<CardReader> {
    let reader = this.readers.get(institutionCode);
    if (reader === undefined) {
      reader = deps.ctx.store
        .transaction((tx) =>
          issueReaderCertificate({ ...deps, actorId: 'reader-bridge' }, tx, {
            institutionCode,
            readerId: KIOSK_READER_ID,
          }),
        )
        .then((issued) => {
          if (issued.privateKeyPkcs8 === null) {
            throw new AppError(READER_ERRORS.walletInvalid, 'reader key missing');
          }
          const identity: ReaderIdentity = {
            readerId: KIOSK_READER_ID,
            institutionCode,
            privateKeyPkcs8: issued.privateKeyPkcs8,
            certificateDer: issued.certificateDer,
          };
          return new CardReader(identity);
        });
      reader.catch(() => this.readers.delete(institutionCode));
      this.readers.set(institutionCode, reader);
    }
    return reader;
  }

  private sweep(now: number): void {
    for (const [id, s] of this.sessions) {
      if (now >= s.expiresAt) {
        this.sessions.delete(id);
      }
    }
  }

  private session(deps: ReaderDeps, institutionCode: string, sessionId: string): Session {
    const found = this.sessions.get(sessionId);
    if (found === undefined || found.institutionCode !== institutionCode) {
      throw new AppError(READER_ERRORS.sessionNotFound);
    }
    if (deps.ctx.clock.now().getTime() >= found.expiresAt) {
      this.sessions.delete(sessionId);
      throw new AppError(READER_ERRORS.sessionNotFound, 'expired');
    }
    return found;
  }

  private walletCard(id: string): WalletCard {
    const card = this.wallet.cards.find((c) => c.id === id);
    if (card === undefined) {
      throw new AppError(READER_ERRORS.unknownCard);
    }
    return card;
  }

  /** Keeps the chip's counters in the wallet (a locked PIN stays locked on the next visit). */
  private async persist(session: Session): Promise<void> {
    const card = this.walletCard(session.walletCardId);
    const image: CardImage | SmartphoneImage | null =
      session.phone !== null ? session.phone.exportImage() : (session.chip?.exportImage() ?? null);
    card.image = image;
    if (this.walletPath !== null) {
      await writeWalletFile(this.walletPath, this.wallet);
    }
  }

  private async institutionReady(deps: ReaderDeps, institutionCode: string): Promise<Institution | PatientScreen> {
    const institution = await requireInstitution(deps.ctx.store, institutionCode);
    return institution.readerStatus === 'outOfOrder' ? PATIENT_SCREENS.readerOutOfOrder : institution;
  }

  /**
   * The patient places a card (or holds a phone): reads its 利用者証明用 certificate without a PIN, which is how
   * the reader tells a My Number card from any other card (§4.2 001/002), and says which methods the card has.
   */
  async start(deps: ReaderDeps, institutionCode: string, walletCardId: string): Promise<SessionStart> {
    const ready = await this.institutionReady(deps, institutionCode);
    if (!('institutionCode' in ready)) {
      return { ok: false, screen: ready };
    }
    const card = this.walletCard(walletCardId);
    if (card.image === null) {
      return { ok: false, screen: PATIENT_SCREENS.cardNotRecognised };
    }
    let chip: VirtualChip | null = null;
    let phone: Smartphone | null = null;
    try {
      if (isCardImage(card.image)) {
        chip = VirtualChip.fromImage(card.image);
      } else {
        phone = Smartphone.fromImage(card.image);
      }
    } catch {
      return { ok: false, screen: PATIENT_SCREENS.cardNotRecognised };
    }
    if (phone !== null && !ready.smartphoneReader) {
      return { ok: false, screen: PATIENT_SCREENS.noSmartphoneReader };
    }
    const transport: ApduTransport = phone ?? (chip as ApduTransport);
    const reader = await this.readerFor(deps, institutionCode);
    const certificate = reader.readAuthCertificate(transport);
    if (!certificate.ok) {
      return { ok: false, screen: PATIENT_SCREENS.cardNotRecognised };
    }
    const kind: CardKind = phone !== null ? 'smartphone' : (chip?.kind ?? 'standard');
    const platform = phone?.platform ?? null;
    const methods = methodsOf(kind, platform);
    const pin = methods.includes('pin')
      ? reader.pinStatus(transport, kind === 'smartphone' ? 'smartphoneAuthentication' : 'authentication')
      : null;
    const now = deps.ctx.clock.now();
    this.sweep(now.getTime());
    if (this.sessions.size >= MAX_SESSIONS) {
      throw new OqsError('rateLimit', 'too many open reader sessions');
    }
    const expiresOn = tokyoDate(new Date(new X509Certificate(certificate.value).validTo));
    const today = tokyoDate(now);
    const state: CertificateState =
      expiresOn < today ? 'expired' : expiresOn <= addDays(today, EXPIRY_ALERT_DAYS) ? 'expiringSoon' : 'valid';
    const session: Session = {
      id: randomBytes(16).toString('base64url'),
      institutionCode,
      walletCardId,
      transport,
      chip,
      phone,
      kind,
      methods,
      authenticated: null,
      faceSubject: null,
      faceProof: null,
      camera: new SimulatedCamera(randomBytes(8).toString('hex')),
      expiresAt: now.getTime() + SESSION_TTL_MS,
    };
    this.sessions.set(session.id, session);
    return {
      ok: true,
      sessionId: session.id,
      kind,
      platform,
      methods,
      pinRemainingTries: pin?.remainingTries ?? null,
      certificate: state,
      certificateExpiresOn: expiresOn,
    };
  }

  /** The 4-digit PIN goes to the chip's VERIFY; 3 wrong in a row lock it (rules.md §4 PIN [S22]). */
  async enterPin(deps: ReaderDeps, institutionCode: string, sessionId: string, pin: string): Promise<AuthStep> {
    const session = this.session(deps, institutionCode, sessionId);
    if (!session.methods.includes('pin')) {
      throw new AppError(READER_ERRORS.wrongStep, 'this card has no PIN');
    }
    const reader = await this.readerFor(deps, institutionCode);
    const credential = session.kind === 'smartphone' ? 'smartphoneAuthentication' : 'authentication';
    const status = reader.verifyPin(session.transport, credential, pin);
    await this.persist(session);
    if (status.ok) {
      session.authenticated = 'pin';
      return { ok: true, method: 'pin' };
    }
    if (status.locked) {
      this.sessions.delete(session.id);
      return { ok: false, retry: false, screen: PATIENT_SCREENS.pinLocked };
    }
    if (status.code === 'pin.wrong' || status.code === 'pin.malformed') {
      return { ok: false, retry: true, remainingTries: status.remainingTries, message: status.message };
    }
    this.sessions.delete(session.id);
    return { ok: false, retry: false, screen: PATIENT_SCREENS.cardNotRecognised };
  }

  /**
   * The camera stand-in: the reader matches the face against the card's template and signs an attestation for a
   * fresh challenge (face path); on an iPhone the phone itself checks its owner (Face ID) and unlocks its key.
   */
  async presentFace(
    deps: ReaderDeps,
    institutionCode: string,
    sessionId: string,
    subject: FaceSubject,
  ): Promise<AuthStep> {
    const session = this.session(deps, institutionCode, sessionId);
    const card = this.walletCard(session.walletCardId);
    if (session.methods.includes('device') && session.phone !== null) {
      const unlocked = session.phone.unlockWithBiometrics(session.camera.capture(faceOf(card, subject)));
      if (!unlocked) {
        return {
          ok: false,
          retry: true,
          remainingTries: null,
          message: { ja: 'iPhoneで本人確認できませんでした', en: 'The iPhone did not recognise its owner' },
        };
      }
      session.authenticated = 'device';
      return { ok: true, method: 'device' };
    }
    if (!session.methods.includes('face')) {
      throw new AppError(READER_ERRORS.wrongStep, 'this card has no face path');
    }
    const made = await this.attestFace(deps, session, subject);
    await this.persist(session);
    if (made.ok) {
      session.authenticated = 'face';
      session.faceSubject = subject;
      return { ok: true, method: 'face' };
    }
    if (made.locked) {
      return { ok: false, retry: false, screen: PATIENT_SCREENS.faceLocked };
    }
    return {
      ok: false,
      retry: true,
      remainingTries: made.remainingTries,
      message: { ja: '顔認証できませんでした。もう一度お試しください', en: 'Face not recognised. Please try again' },
    };
  }

  private async attestFace(
    deps: ReaderDeps,
    session: Session,
    subject: FaceSubject,
  ): Promise<{ ok: boolean; locked: boolean; remainingTries: number | null }> {
    const reader = await this.readerFor(deps, session.institutionCode);
    const issued = issueChallenge(deps.ctx, session.institutionCode, KIOSK_READER_ID);
    const at = deps.ctx.clock.now();
    const face = reader.authenticateFace(session.transport, {
      subject: faceOf(this.walletCard(session.walletCardId), subject),
      camera: session.camera,
      challenge: new Uint8Array(Buffer.from(issued.challenge, 'base64url')),
      at,
    });
    if (!face.ok || face.attestation === null) {
      return { ok: false, locked: face.code === 'face.locked', remainingTries: face.remainingTries };
    }
    const certificate = reader.readAuthCertificate(session.transport);
    if (!certificate.ok) {
      return { ok: false, locked: false, remainingTries: null };
    }
    session.faceProof = {
      challengeId: issued.challengeId,
      expiresAt: new Date(issued.expiresAt).getTime(),
      proof: { kind: 'faceAuth', attestation: face.attestation, cardCertificate: certificate.value },
    };
    return { ok: true, locked: false, remainingTries: null };
  }

  /** The proof for the confirmation: the face attestation (re-made if its challenge is nearly spent) or a signature. */
  private async proofFor(deps: ReaderDeps, session: Session): Promise<{ challengeId: string; proof: CardProof }> {
    const now = deps.ctx.clock.now().getTime();
    if (session.authenticated === 'face') {
      if (session.faceProof === null || session.faceProof.expiresAt - now < CHALLENGE_MARGIN_MS) {
        await this.attestFace(deps, session, session.faceSubject ?? 'holder');
      }
      if (session.faceProof === null) {
        throw new AppError(READER_ERRORS.wrongStep, 'face attestation missing');
      }
      const { challengeId, proof } = session.faceProof;
      session.faceProof = null;
      return { challengeId, proof };
    }
    const reader = await this.readerFor(deps, session.institutionCode);
    const issued = issueChallenge(deps.ctx, session.institutionCode, KIOSK_READER_ID);
    const signed = reader.signChallenge(session.transport, new Uint8Array(Buffer.from(issued.challenge, 'base64url')));
    if (!signed.ok) {
      throw new AppError(READER_ERRORS.wrongStep, signed.code);
    }
    return {
      challengeId: issued.challengeId,
      proof: { kind: 'pin', signature: signed.signature, certificate: signed.certificate },
    };
  }

  /**
   * After the consent and 電子処方箋 screens: the OQS confirmation by card (in process), whose result also goes to
   * the reception console's live feed; the patient sees only a screen (DV refusal: nothing more, rules.md §8).
   */
  async finish(
    deps: ReaderDeps,
    institutionCode: string,
    sessionId: string,
    answers: { consent?: ConsentAnswer; prescriptionIssueSelect?: '1' | '2' },
  ): Promise<FinishResult> {
    const session = this.session(deps, institutionCode, sessionId);
    if (session.authenticated === null) {
      throw new AppError(READER_ERRORS.wrongStep, 'authenticate first');
    }
    this.sessions.delete(session.id);
    try {
      const { challengeId, proof } = await this.proofFor(deps, session);
      const outcome = await confirmByCard(deps, {
        institutionCode,
        readerId: KIOSK_READER_ID,
        challengeId,
        proof,
        ...(answers.consent !== undefined ? { consent: answers.consent } : {}),
        ...(answers.prescriptionIssueSelect !== undefined
          ? { prescriptionIssueSelect: answers.prescriptionIssueSelect }
          : {}),
      });
      const body = outcome.body;
      if (body.processingResultStatus === '2') {
        return { screen: patientScreenFor(body.processingResultCode ?? ''), confirmationId: outcome.confirmationId };
      }
      if (body.qualificationValidity !== '1') {
        return { screen: PATIENT_SCREENS.noQualification, confirmationId: outcome.confirmationId };
      }
      const screen =
        body.processingResultCode === 'OQS-I-RENEWAL-REMINDER' ? PATIENT_SCREENS.doneRenew : PATIENT_SCREENS.done;
      return { screen, confirmationId: outcome.confirmationId };
    } catch (thrown) {
      if (thrown instanceof OqsError) {
        return { screen: patientScreenFor(thrown.code), confirmationId: null };
      }
      throw thrown;
    } finally {
      session.chip?.reset();
      session.phone?.leaveField();
      await this.persist(session);
    }
  }

  /** The card is taken away before the end: the session is dropped and the chip's counters kept. */
  async cancel(deps: ReaderDeps, institutionCode: string, sessionId: string): Promise<void> {
    const session = this.session(deps, institutionCode, sessionId);
    this.sessions.delete(session.id);
    session.chip?.reset();
    session.phone?.leaveField();
    await this.persist(session);
  }
}

const bridges = new WeakMap<ServerContext, ReaderBridge>();

/** The reader bridge of a server context (created on first use, with an empty wallet). */
export function readerBridgeOf(ctx: ServerContext): ReaderBridge {
  let bridge = bridges.get(ctx);
  if (bridge === undefined) {
    bridge = new ReaderBridge();
    bridges.set(ctx, bridge);
  }
  return bridge;
}
