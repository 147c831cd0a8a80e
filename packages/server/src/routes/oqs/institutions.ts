import type { App } from '../../app.js';
import {
  issueInstitutionCredential,
  registerInstitution,
  requireInstitution,
  setConsentItems,
  setReaderStatus,
} from '../../commands/oqs/institutions.js';
import { OQS_ADMIN_ERRORS } from '../../commands/oqs/errors.js';
import { AppError } from '../../http/errors.js';
import type { RouteDeps } from '../deps.js';
import {
  ConsentItemsBody,
  CredentialResponse,
  InstitutionBody,
  InstitutionParams,
  InstitutionResponse,
  ReaderStatusBody,
  errorResponses,
} from './schemas.js';

const tags = ['oqs institutions'];

/** The 医療機関・薬局 registry: the authority registers and issues credentials; a clinic sets its reader and items. */
export function registerInstitutionRoutes(app: App, deps: RouteDeps): void {
  app.post(
    '/oqs/v1/institutions',
    {
      schema: {
        tags,
        summary: 'Register or update a 医療機関・薬局 (authority)',
        body: InstitutionBody,
        response: { 201: InstitutionResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.auth.require(request, 'authority');
      const institution = await registerInstitution(deps, request.body);
      return reply.status(201).send(institution);
    },
  );

  app.post(
    '/oqs/v1/institutions/:institutionCode/credentials',
    {
      schema: {
        tags,
        summary: "Issue or rotate an institution's API credential (authority); the secret is shown once",
        params: InstitutionParams,
        response: { 201: CredentialResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.auth.require(request, 'authority');
      const credential = await issueInstitutionCredential(deps, request.params.institutionCode, 'oqs');
      deps.auth.forget(credential.id);
      return reply.status(201).send({ id: credential.id, token: credential.token });
    },
  );

  app.get(
    '/oqs/v1/institutions/:institutionCode',
    {
      schema: {
        tags,
        summary: 'An institution (itself, or the authority)',
        params: InstitutionParams,
        response: { 200: InstitutionResponse, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await deps.auth.principal(request);
      const code = request.params.institutionCode;
      if (principal === undefined) {
        return deps.auth.require(request, 'institution').then(() => requireInstitution(deps.ctx.store, code));
      }
      if (principal.kind !== 'authority' && !(principal.kind === 'institution' && principal.institutionCode === code)) {
        throw new AppError(OQS_ADMIN_ERRORS.otherInstitution);
      }
      return requireInstitution(deps.ctx.store, code);
    },
  );

  app.put(
    '/oqs/v1/institutions/:institutionCode/reader-status',
    {
      schema: {
        tags,
        summary: 'Switch the reader to working or out of order (the institution itself)',
        params: InstitutionParams,
        body: ReaderStatusBody,
        response: { 200: InstitutionResponse, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await deps.auth.require(request, 'institution');
      if (principal.institutionCode !== request.params.institutionCode) {
        throw new AppError(OQS_ADMIN_ERRORS.otherInstitution);
      }
      return setReaderStatus(deps, principal.institutionCode, request.body.status);
    },
  );

  app.put(
    '/oqs/v1/institutions/:institutionCode/consent-items',
    {
      schema: {
        tags,
        summary: 'Choose the consent items the reader offers (the institution itself)',
        params: InstitutionParams,
        body: ConsentItemsBody,
        response: { 200: InstitutionResponse, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await deps.auth.require(request, 'institution');
      if (principal.institutionCode !== request.params.institutionCode) {
        throw new AppError(OQS_ADMIN_ERRORS.otherInstitution);
      }
      return setConsentItems(deps, principal.institutionCode, request.body.items);
    },
  );
}
