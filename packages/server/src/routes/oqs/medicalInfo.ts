import type { FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { handleCheckupInfo, handleMedicationInfo } from '../../commands/oqs/medicalInfo.js';
import type { RouteDeps } from '../deps.js';
import { messageRoutes, prepareOqsScope } from './bulk.js';

/**
 * Onshi's extension for disaster mode (rules.md §5 [S32]): `Onshi-Oral-Consent: disaster` says the patient
 * consented orally to 薬剤・特定健診 viewing; honoured only inside a declared area and period, marked in the audit.
 */
function oralConsent(request: FastifyRequest): boolean {
  return request.headers['onshi-oral-consent'] === 'disaster';
}

/**
 * 医療情報 endpoints (oqs-interface.md §6; rules.md §6): 薬剤情報 (YZKsiquc01req), 特定健診 (TKKsiquc01req) in OQS
 * XML or JSON, and the 診療 / 手術 lines alone in the YZK shape (JSON). Consent, window, institution and item
 * are checked by the command; every read is audited.
 */
export function registerMedicalInfoRoutes(app: App, deps: RouteDeps): void {
  void app.register((scope, _options, done) => {
    prepareOqsScope(scope);
    messageRoutes(scope, deps, {
      kinds: { request: 'YZKsiquc01req', response: 'YZKsiquc01res' },
      jsonPath: '/oqs/v1/medical-info/medications',
      summary: '薬剤情報 (3 years; with 診療, and 手術 when consented) — YZKsiquc01req → YZKsiquc01res',
      run: (input) =>
        handleMedicationInfo(deps, input.institutionCode, input.message, input.characterCodeIdentifier, {
          oralConsent: oralConsent(input.request),
        }),
    });
    messageRoutes(scope, deps, {
      kinds: { request: 'YZKsiquc01req', response: 'YZKsiquc01res' },
      jsonPath: '/oqs/v1/medical-info/treatments',
      xml: false,
      summary: '診療情報 alone (3 years, 診療・お薬 consent) in the YZKsiquc01res shape',
      run: (input) =>
        handleMedicationInfo(deps, input.institutionCode, input.message, input.characterCodeIdentifier, {
          kinds: ['treatment'],
          oralConsent: oralConsent(input.request),
        }),
    });
    messageRoutes(scope, deps, {
      kinds: { request: 'YZKsiquc01req', response: 'YZKsiquc01res' },
      jsonPath: '/oqs/v1/medical-info/surgeries',
      xml: false,
      summary: '手術情報 alone (5 years, 手術 consent) in the YZKsiquc01res shape',
      run: (input) =>
        handleMedicationInfo(deps, input.institutionCode, input.message, input.characterCodeIdentifier, {
          kinds: ['surgery'],
          oralConsent: oralConsent(input.request),
        }),
    });
    messageRoutes(scope, deps, {
      kinds: { request: 'TKKsiquc01req', response: 'TKKsiquc01res' },
      jsonPath: '/oqs/v1/medical-info/checkups',
      summary: '特定健診情報 (5 years) — TKKsiquc01req → TKKsiquc01res',
      run: (input) =>
        handleCheckupInfo(deps, input.institutionCode, input.message, input.characterCodeIdentifier, {
          oralConsent: oralConsent(input.request),
        }),
    });
    done();
  });
}
