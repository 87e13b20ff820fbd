/**
 * @module All `sys/` routes in match order (more specific patterns first within each group).
 */
import type { SysRoute } from './sys-context.js';
import { sealRoutes } from './sys-seal-routes.js';
import { mountRoutes } from './sys-mount-routes.js';
import { authRoutes } from './sys-auth-routes.js';
import { policyRoutes } from './sys-policy-routes.js';
import { auditRoutes } from './sys-audit-routes.js';
import { capabilitiesRoutes } from './sys-capabilities-routes.js';
import { lockoutRoutes } from './sys-lockout-routes.js';
import { wrappingRoutes } from './sys-wrapping-routes.js';
import { leaseRoutes } from './sys-lease-routes.js';
import { quorumRoutes } from './sys-quorum-routes.js';
import { secretFingerprintRoutes } from './secret-fingerprint-routes.js';
import { toolsRoutes } from './sys-tools-routes.js';

export const sysRoutes: readonly SysRoute[] = [
  ...sealRoutes,
  ...mountRoutes,
  ...authRoutes,
  ...policyRoutes,
  ...auditRoutes,
  ...capabilitiesRoutes,
  ...lockoutRoutes,
  ...wrappingRoutes,
  ...leaseRoutes,
  ...quorumRoutes,
  ...secretFingerprintRoutes,
  ...toolsRoutes,
];
