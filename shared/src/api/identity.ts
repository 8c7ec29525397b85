/**
 * Identity and access API shapes: permissions, roles, groups, role bindings with scopes, users,
 * invites, the signed-in user's own account, and API keys.
 * @module
 */
import { z } from 'zod';

/** What a permission is about. */
export const RESOURCES = [
  'hosts',
  'containers',
  'logs',
  'probes',
  'alerts',
  'channels',
  'users',
  'settings',
  'audit',
] as const;
export const ACTIONS = ['read', 'write', 'delete', 'act'] as const;

export const ResourceSchema = z.enum(RESOURCES);
export const ActionSchema = z.enum(ACTIONS);
export type Resource = z.infer<typeof ResourceSchema>;
export type Action = z.infer<typeof ActionSchema>;

/** `resource:action`, e.g. `containers:act`. */
export const PermissionSchema = z.templateLiteral([ResourceSchema, ':', ActionSchema]);
export type Permission = z.infer<typeof PermissionSchema>;

export const BuiltInRoleSchema = z.enum(['admin', 'editor', 'viewer']);
export type BuiltInRole = z.infer<typeof BuiltInRoleSchema>;

/**
 * Where a binding applies: every object (null), or only hosts (and their containers) whose id is
 * listed or whose labels hold every given pair.
 */
export const ScopeSchema = z
  .object({
    hostIds: z.array(z.uuid()).max(1000).optional(),
    labels: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
  })
  .refine((s) => (s.hostIds?.length ?? 0) > 0 || Object.keys(s.labels ?? {}).length > 0, {
    message: 'a scope names at least one host id or one label',
  });
export type Scope = z.infer<typeof ScopeSchema>;

const Name = z.string().trim().min(1).max(64);
const Username = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');

export const RoleSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  builtIn: z.boolean(),
  permissions: z.array(PermissionSchema),
  /** Members must enrol a second factor before using anything else (issue 9). */
  requireSecondFactor: z.boolean().default(false),
});
export const RoleInputSchema = z.object({
  name: Name,
  description: z.string().max(512).default(''),
  permissions: z.array(PermissionSchema).max(64),
});

export const GroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  members: z.array(z.object({ id: z.string(), username: z.string() })),
});
export const GroupInputSchema = z.object({
  name: Name,
  description: z.string().max(512).default(''),
  memberIds: z.array(z.uuid()).max(10_000).default([]),
});

export const BindingSchema = z.object({
  id: z.string(),
  roleId: z.string(),
  roleName: z.string(),
  userId: z.string().nullable(),
  groupId: z.string().nullable(),
  subjectName: z.string(),
  scope: ScopeSchema.nullable(),
});
/** Exactly one of `userId` and `groupId`. */
export const BindingInputSchema = z
  .object({
    roleId: z.string().min(1),
    userId: z.uuid().optional(),
    groupId: z.uuid().optional(),
    scope: ScopeSchema.nullable().default(null),
  })
  .refine((b) => (b.userId === undefined) !== (b.groupId === undefined), {
    message: 'give exactly one of userId and groupId',
    path: ['userId'],
  });

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: BuiltInRoleSchema.nullable(),
  disabled: z.boolean(),
  createdAt: z.number(),
  lastSignInAt: z.number().nullable(),
});
export const CreateUserSchema = z.object({
  username: Username,
  password: z.string().min(1).max(1024),
  role: BuiltInRoleSchema.nullable().default('viewer'),
  displayName: z.string().trim().max(128).default(''),
  email: z.string().trim().max(256).default(''),
});
export const UpdateUserSchema = z
  .object({
    role: BuiltInRoleSchema.nullable(),
    disabled: z.boolean(),
    displayName: z.string().trim().max(128),
    email: z.string().trim().max(256),
  })
  .partial();

export const CreateInviteSchema = z.object({
  role: BuiltInRoleSchema.nullable().default('viewer'),
  /** Hours the link stays valid; a day by default, a week at most. */
  ttlHours: z.number().int().min(1).max(168).default(24),
  note: z.string().max(256).default(''),
});
export const InviteSchema = z.object({
  id: z.string(),
  url: z.string(),
  role: BuiltInRoleSchema.nullable(),
  expiresAt: z.number(),
});
export const AcceptInviteSchema = z.object({
  token: z.string().min(16).max(256),
  username: Username,
  password: z.string().min(1).max(1024),
});

export const ProfileSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: BuiltInRoleSchema.nullable(),
  permissions: z.array(PermissionSchema),
});
export const UpdateProfileSchema = z.object({
  displayName: z.string().trim().max(128),
  email: z.string().trim().max(256),
});
export const ChangePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});
/** `POST /api/me/password-check`: the policy's verdict, for live feedback while typing. */
export const PasswordCheckSchema = z.object({ ok: z.boolean(), problems: z.array(z.string()) });
export const PasswordPolicySchema = z.object({ minLength: z.number(), maxLength: z.number() });

export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  permissions: z.array(PermissionSchema),
  expiresAt: z.number().nullable(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  useCount: z.number(),
});
export const CreateApiKeySchema = z.object({
  name: Name,
  /** A subset of the creator's permissions; the key never gets more than its owner has. */
  permissions: z.array(PermissionSchema).min(1).max(64),
  /** Days until it expires; null for a key that does not expire. */
  expiresInDays: z.number().int().min(1).max(3650).nullable().default(90),
});
/** The answer to creating a key: the only time the secret is shown. */
export const CreatedApiKeySchema = ApiKeySchema.extend({ key: z.string() });

export type Role = z.infer<typeof RoleSchema>;
export type RoleInput = z.infer<typeof RoleInputSchema>;
export type Group = z.infer<typeof GroupSchema>;
export type GroupInput = z.infer<typeof GroupInputSchema>;
export type Binding = z.infer<typeof BindingSchema>;
export type BindingInput = z.infer<typeof BindingInputSchema>;
export type User = z.infer<typeof UserSchema>;
export type CreateUser = z.infer<typeof CreateUserSchema>;
export type UpdateUser = z.infer<typeof UpdateUserSchema>;
export type CreateInvite = z.infer<typeof CreateInviteSchema>;
export type Invite = z.infer<typeof InviteSchema>;
export type AcceptInvite = z.infer<typeof AcceptInviteSchema>;
export type Profile = z.infer<typeof ProfileSchema>;
export type ChangePassword = z.infer<typeof ChangePasswordSchema>;
export type PasswordCheck = z.infer<typeof PasswordCheckSchema>;
export type ApiKey = z.infer<typeof ApiKeySchema>;
export type CreateApiKey = z.infer<typeof CreateApiKeySchema>;
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;
export type PasswordPolicy = z.infer<typeof PasswordPolicySchema>;
