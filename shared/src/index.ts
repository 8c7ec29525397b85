/**
 * @unity/shared: the wire protocol, the HTTP API shapes and the few pure helpers both ends need.
 * What the agent loads (the protocol, probe definitions, container action and image scan
 * arguments) is written with zod/mini, which costs the agent ~5 MiB less memory than classic zod;
 * the hub's API shapes use classic zod and compose those schemas.
 * @module
 */
export * from './api/actions.js';
export * from './api/alert-history.js';
export * from './api/alert-routing.js';
export * from './api/alerts.js';
export * from './api/badges.js';
export * from './api/container-events.js';
export * from './api/identity.js';
export * from './api/image-scan.js';
export * from './api/inventory.js';
export * from './api/ip-rules.js';
export * from './api/kubernetes.js';
export * from './api/ldap.js';
export * from './api/live.js';
export * from './api/logs.js';
export * from './api/notify.js';
export * from './api/oidc-clients.js';
export * from './api/passkeys.js';
export * from './api/probes.js';
export * from './api/schemas.js';
export * from './api/second-factor.js';
export * from './api/security.js';
export * from './api/speed-tests.js';
export * from './api/sso.js';
export * from './api/status-pages.js';
export * from './backoff.js';
export * from './inventory/stacks.js';
export * from './k8s-quantity.js';
export * from './notify/notification.js';
export * from './probes/conditions.js';
export * from './probes/definition.js';
export * from './probes/push-schedule.js';
export * from './protocol/container-events.js';
export * from './protocol/enroll.js';
export * from './protocol/frames.js';
export * from './protocol/image-scan-item.js';
export * from './protocol/inventory.js';
export * from './protocol/items.js';
export * from './protocol/kubernetes.js';
export * from './protocol/logs.js';
export * from './protocol/parse.js';
export * from './protocol/probe-result.js';
export * from './protocol/speed-test.js';
export * from './result.js';
