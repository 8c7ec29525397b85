/**
 * Permissions are `resource:action` pairs; roles are sets of them. The three built-in roles are
 * defined here, in code, so they cannot be edited into something else and every hub agrees on
 * them. They reproduce the rules the routes had before fine-grained permissions: viewers read
 * the monitoring data, editors also change alerting and act on containers, admins do everything.
 * @module
 */
import {
  ACTIONS,
  type Action,
  type BuiltInRole,
  BuiltInRoleSchema,
  type Permission,
  RESOURCES,
  type Resource,
} from '@unity/shared';

export const permission = (resource: Resource, action: Action): Permission => `${resource}:${action}`;

export const ALL_PERMISSIONS: readonly Permission[] = RESOURCES.flatMap((r) =>
  ACTIONS.map((a) => permission(r, a)),
);

const VIEWER: readonly Permission[] = [
  'hosts:read',
  'containers:read',
  'logs:read',
  'probes:read',
  'alerts:read',
  'channels:read',
];

const EDITOR: readonly Permission[] = [
  ...VIEWER,
  'containers:act',
  'logs:write',
  'probes:write',
  'probes:delete',
  'probes:act',
  'alerts:write',
  'alerts:delete',
  'alerts:act',
];

export const BUILT_IN_ROLES: Readonly<
  Record<BuiltInRole, { description: string; permissions: readonly Permission[] }>
> = {
  admin: {
    description: 'Everything, including users, settings and the audit log',
    permissions: ALL_PERMISSIONS,
  },
  editor: {
    description: 'Reads everything monitored, changes alerting, acts on containers',
    permissions: EDITOR,
  },
  viewer: { description: 'Reads hosts, containers, logs, probes, alerts and channels', permissions: VIEWER },
};

export const isBuiltInRole = (key: string): key is BuiltInRole => BuiltInRoleSchema.safeParse(key).success;
