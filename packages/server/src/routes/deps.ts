import type { AuditLog } from '../audit/auditLog.js';
import type { ServerContext } from '../context.js';
import type { Authenticator } from '../http/authenticate.js';

/** What each area's route module receives. */
export interface RouteDeps {
  ctx: ServerContext;
  auth: Authenticator;
  audit: AuditLog;
}
