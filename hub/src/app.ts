/**
 * The Hono application: client address, security headers, IP rules, health, public downloads,
 * public badges and status pages, CSRF checks and the session-guarded API,
 * and the UI with its SPA fallback. Unknown /api paths answer a JSON 404; errors never carry a
 * stack trace.
 * @module
 */
import { LIVE_PATH } from '@unity/shared';
import { Hono } from 'hono';
import { actionRoutes } from './actions/routes.js';
import { agentRoutes } from './agents/routes.js';
import { alertRoutingRoutes } from './alerts/route/routes.js';
import { alertRoutes } from './alerts/routes.js';
import { auditConfigChanges } from './audit/config-audit.js';
import { auditRoutes } from './audit/routes.js';
import { apiKeyRoutes } from './auth/api-key-routes.js';
import { banRoutes } from './auth/ban-routes.js';
import { emailChallengeRoutes, emailVerificationRoutes } from './auth/email-codes/routes.js';
import { ipRuleRoutes } from './auth/ip-rule-routes.js';
import { ldapRoutes } from './auth/ldap/routes.js';
import { meRoutes } from './auth/me-routes.js';
import { sessionMiddleware } from './auth/middleware.js';
import { passkeyManageRoutes } from './auth/passkeys/manage-routes.js';
import { passkeyChallengeRoutes, passkeySignInRoutes } from './auth/passkeys/sign-in-routes.js';
import { rbacRoutes } from './auth/rbac-routes.js';
import { authRoutes } from './auth/routes.js';
import { challengeRoutes } from './auth/second-factor/challenge-routes.js';
import { enrolmentRoutes } from './auth/second-factor/enrolment-routes.js';
import { secondFactorGate } from './auth/second-factor/gate.js';
import { roleSecondFactorRoutes } from './auth/second-factor/role-routes.js';
import { sessionRoutes } from './auth/session-routes.js';
import { SESSION_COOKIE } from './auth/sessions.js';
import { ssoAdminRoutes } from './auth/sso/admin-routes.js';
import { ssoFlowRoutes } from './auth/sso/flow-routes.js';
import { ssoMeRoutes } from './auth/sso/me-routes.js';
import { userRoutes } from './auth/user-routes.js';
import { BadgeCache } from './badges/badge-cache.js';
import { publishRoutes } from './badges/publish-routes.js';
import { badgeRoutes } from './badges/routes.js';
import { containerRoutes } from './containers/routes.js';
import { eventRoutes } from './events/routes.js';
import { hostRoutes } from './hosts/routes.js';
import { clientIpMiddleware } from './http/client-ip.js';
import { csrfProtection } from './http/csrf.js';
import { errorResponse, onError } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { ipRulesMiddleware } from './http/ip-rules.js';
import { inventoryRoutes } from './inventory/routes.js';
import { k8sRoutes } from './k8s/routes.js';
import { logRoutes } from './logs/routes.js';
import { notifyRoutes } from './notify/routes.js';
import { metricsRoutes } from './observe/metrics-route.js';
import { statusRoutes } from './observe/status-route.js';
import { oidcAdminRoutes } from './oidc-provider/admin-routes.js';
import { oidcProviderRoutes } from './oidc-provider/http-routes.js';
import { OidcService } from './oidc-provider/service.js';
import { pingRoutes } from './probes/push/ping-routes.js';
import { probeRoutes } from './probes/routes.js';
import { scanRoutes } from './scans/routes.js';
import { seriesRoutes } from './series/routes.js';
import { speedTestAgentRoutes } from './speedtests/agent-endpoints.js';
import { speedTestRoutes } from './speedtests/routes.js';
import { PageCache } from './status-pages/page-cache.js';
import { publicStatusRoutes } from './status-pages/public-routes.js';
import { statusPageRoutes } from './status-pages/routes.js';
import type { HubDeps, HubEnv } from './types.js';
import { downloadRoutes } from './web/downloads.js';
import { securityHeaders } from './web/security-headers.js';
import { serveUi } from './web/static-ui.js';

export function createApp(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  app.onError(onError(deps.log.child({ module: 'http' })));
  app.use('*', clientIpMiddleware(deps.config));
  app.use('*', securityHeaders(deps.config));
  app.use('*', ipRulesMiddleware(deps.ipPolicy));

  app.route('/', healthRoutes(deps));
  app.route('/', downloadRoutes(deps));
  app.route('/', metricsRoutes(deps));
  // Public badges: outside /api, so neither CSRF nor the session middleware applies.
  const badges = new BadgeCache();
  app.route('/badge', badgeRoutes(deps, badges));
  // Push probes' pings: public (the token is the secret), outside /api so no session or CSRF check.
  app.route('/', pingRoutes(deps));
  // Public status pages: outside /api too; they show only what their owner put on them.
  const statusPages = new PageCache();
  app.route('/status', publicStatusRoutes(deps, statusPages));
  // Identity-provider sign-in: browser navigations (redirects), public; see auth/sso/flow-routes.ts.
  app.route('/auth/sso', ssoFlowRoutes(deps));
  // Unity as an OIDC provider: discovery and /oidc/* are public (the protocol carries its own
  // credentials); its sign-in and consent steps require a Unity session (oidc-provider/).
  const oidc = new OidcService(deps);
  app.route('/', oidcProviderRoutes(deps, oidc));

  app.use('/api/*', csrfProtection(SESSION_COOKIE, deps.config.publicUrl));
  app.use('/api/*', sessionMiddleware(deps));
  app.use('/api/*', secondFactorGate(deps));
  app.use('/api/*', auditConfigChanges(deps));
  app.route('/api/auth/second-factor/passkey', passkeyChallengeRoutes(deps));
  app.route('/api/auth/second-factor/email', emailChallengeRoutes(deps));
  app.route('/api/auth/second-factor', challengeRoutes(deps));
  app.route('/api/auth/passkey', passkeySignInRoutes(deps));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/sessions', sessionRoutes(deps));
  app.route('/api/security/bans', banRoutes(deps));
  app.route('/api/security/ip-rules', ipRuleRoutes(deps));
  app.route('/api/ldap', ldapRoutes(deps));
  app.route('/api', userRoutes(deps));
  app.route('/api', roleSecondFactorRoutes(deps));
  app.route('/api', rbacRoutes(deps));
  app.route('/api/me/second-factor', enrolmentRoutes(deps));
  app.route('/api/me/passkeys', passkeyManageRoutes(deps));
  app.route('/api/me/email-verification', emailVerificationRoutes(deps));
  app.route('/api/me/sso', ssoMeRoutes(deps));
  app.route('/api', ssoAdminRoutes(deps));
  app.route('/api/me', meRoutes(deps));
  app.route('/api/api-keys', apiKeyRoutes(deps));
  app.route('/', agentRoutes(deps));
  app.route('/', speedTestAgentRoutes(deps));
  app.route('/', speedTestRoutes(deps));
  app.route('/api/hosts', hostRoutes(deps));
  app.route('/api/containers', containerRoutes(deps));
  app.route('/api/containers', actionRoutes(deps));
  app.route('/api', auditRoutes(deps));
  app.route('/', scanRoutes(deps));
  app.route('/api/status', statusRoutes(deps));
  app.route('/api', inventoryRoutes(deps));
  app.route('/api/series', seriesRoutes(deps));
  app.route('/api', eventRoutes(deps));
  app.route('/api', logRoutes(deps));
  app.route('/api', k8sRoutes(deps));
  app.route('/api', alertRoutingRoutes(deps));
  app.route('/api', notifyRoutes(deps));
  app.route('/api', alertRoutes(deps));
  app.route('/api', probeRoutes(deps));
  app.route('/api', publishRoutes(deps, badges));
  app.route('/api', statusPageRoutes(deps, statusPages));
  app.route('/api', oidcAdminRoutes(deps, oidc));
  // Reached only without an Upgrade header (upgrades are taken in http/upgrade.ts).
  app.get(LIVE_PATH, (c) => errorResponse(c, 'bad_request', 'this endpoint speaks WebSocket only'));

  app.all('/api/*', (c) => errorResponse(c, 'not_found', `no API route ${c.req.method} ${c.req.path}`));
  app.get('*', serveUi(deps.config.uiDir));
  app.notFound((c) => c.text('not found\n', 404));
  return app;
}

export type HubApp = ReturnType<typeof createApp>;
