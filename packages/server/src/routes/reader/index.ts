import type { App } from '../../app.js';
import { readerBridgeOf } from '../../commands/reader/bridge.js';
import type { RouteDeps } from '../deps.js';
import {
  AuthStepResponse,
  FaceBody,
  FinishBody,
  FinishResponse,
  KioskStatusResponse,
  PinBody,
  SessionBody,
  SessionParams,
  SessionResponse,
  WalletResponse,
  errorResponses,
} from './schemas.js';

const tags = ['reader bridge'];

/**
 * The reader-device bridge (/reader/v1): the kiosk's card reader as a local device service. Every call is the
 * institution's own (its credential); PINs go to the chip and are never logged or stored (CONTRIBUTING privacy).
 */
export function registerReaderRoutes(app: App, deps: RouteDeps): void {
  const bridge = readerBridgeOf(deps.ctx);

  app.get(
    '/reader/v1/status',
    {
      schema: {
        tags,
        summary: "The kiosk's reader: institution, working or out of order, consent items offered",
        response: { 200: KioskStatusResponse, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await deps.auth.require(request, 'institution');
      return bridge.status(deps, principal.institutionCode);
    },
  );

  app.get(
    '/reader/v1/wallet',
    {
      schema: {
        tags,
        summary: "The demo wallet's cards (labels and kinds only)",
        response: { 200: WalletResponse, ...errorResponses },
      },
    },
    async (request) => {
      await deps.auth.require(request, 'institution');
      return { cards: bridge.listCards() };
    },
  );

  app.post(
    '/reader/v1/sessions',
    {
      schema: {
        tags,
        summary: 'Place a card (or hold a phone) on the reader: the methods it allows, or a patient screen',
        body: SessionBody,
        response: { 201: SessionResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await deps.auth.require(request, 'institution');
      const started = await bridge.start(deps, principal.institutionCode, request.body.cardId);
      return reply.status(201).send(started);
    },
  );

  app.post(
    '/reader/v1/sessions/:sessionId/pin',
    {
      schema: {
        tags,
        summary: "The 4-digit PIN, to the chip's VERIFY (3 wrong in a row lock it)",
        params: SessionParams,
        body: PinBody,
        response: { 200: AuthStepResponse, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await deps.auth.require(request, 'institution');
      return bridge.enterPin(deps, principal.institutionCode, request.params.sessionId, request.body.pin);
    },
  );

  app.post(
    '/reader/v1/sessions/:sessionId/face',
    {
      schema: {
        tags,
        summary: "Camera stand-in: the holder's face or someone else's; the reader matches and attests",
        params: SessionParams,
        body: FaceBody,
        response: { 200: AuthStepResponse, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await deps.auth.require(request, 'institution');
      return bridge.presentFace(deps, principal.institutionCode, request.params.sessionId, request.body.subject);
    },
  );

  app.post(
    '/reader/v1/sessions/:sessionId/finish',
    {
      schema: {
        tags,
        summary: 'Consent and 電子処方箋 answers → OQS confirmation by card → the patient screen',
        params: SessionParams,
        body: FinishBody,
        response: { 200: FinishResponse, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await deps.auth.require(request, 'institution');
      const body = request.body;
      return bridge.finish(deps, principal.institutionCode, request.params.sessionId, {
        ...(body.consent !== undefined ? { consent: body.consent } : {}),
        ...(body.prescriptionIssueSelect !== undefined
          ? { prescriptionIssueSelect: body.prescriptionIssueSelect }
          : {}),
      });
    },
  );

  app.delete(
    '/reader/v1/sessions/:sessionId',
    {
      schema: {
        tags,
        summary: 'The card is taken away before the end',
        params: SessionParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await deps.auth.require(request, 'institution');
      await bridge.cancel(deps, principal.institutionCode, request.params.sessionId);
      return reply.status(204).send(null);
    },
  );
}
