import type { App } from '../../app.js';
import type { RouteDeps } from '../deps.js';
import { registerBulkRoutes } from './bulk.js';
import { registerConfirmRoutes } from './confirm.js';
import { registerDisasterRoutes } from './disaster.js';
import { registerInstitutionRoutes } from './institutions.js';
import { registerMedicalInfoRoutes } from './medicalInfo.js';
import { registerReferenceNumberRoutes } from './referenceNumbers.js';
import { acceptXmlBodies } from './xmlBody.js';

/**
 * The OQS confirmation service (issue 6): institutions and their credentials, confirmation by card (challenge →
 * signed response) and by number in OQS XML / JSON / FHIR, proof of check, disaster mode, the live reader feed.
 * Documented in docs/api-oqs.md and /openapi.json.
 */
export async function registerOqsRoutes(app: App, deps: RouteDeps): Promise<void> {
  acceptXmlBodies(app);
  registerInstitutionRoutes(app, deps);
  registerConfirmRoutes(app, deps);
  registerDisasterRoutes(app, deps);
  registerBulkRoutes(app, deps);
  registerReferenceNumberRoutes(app, deps);
  registerMedicalInfoRoutes(app, deps);
  await Promise.resolve();
}
