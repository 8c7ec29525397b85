/**
 * The identity endpoints the account and administration pages use: users, invites, roles,
 * groups, role bindings, API keys and the signed-in user's own account.
 * @module
 */
import type {
  AcceptInvite,
  ApiKey,
  Binding,
  BindingInput,
  ChangePassword,
  CreateApiKey,
  CreatedApiKey,
  CreateInvite,
  CreateUser,
  Group,
  GroupInput,
  Invite,
  PasswordCheck,
  PasswordPolicy,
  Profile,
  Role,
  RoleInput,
  UpdateUser,
  User,
} from '@unity/shared';
import { type ApiResult, request } from './client.js';

const id = encodeURIComponent;
type List<T> = { items: T[] };
const items = async <T>(call: Promise<ApiResult<List<T>>>): Promise<ApiResult<T[]>> => {
  const res = await call;
  return res.ok ? { ok: true, value: res.value.items } : res;
};

export const identityApi = {
  users: () => items(request<List<User>>('/api/users')),
  createUser: (body: Partial<CreateUser> & { username: string; password: string }) =>
    request<User>('/api/users', { method: 'POST', body }),
  updateUser: (userId: string, body: UpdateUser) =>
    request<User>(`/api/users/${id(userId)}`, { method: 'PATCH', body }),
  deleteUser: (userId: string) => request<null>(`/api/users/${id(userId)}`, { method: 'DELETE' }),
  createInvite: (body: Partial<CreateInvite>) => request<Invite>('/api/invites', { method: 'POST', body }),
  acceptInvite: (body: AcceptInvite) =>
    request<User>('/api/invites/accept', { method: 'POST', body, quiet401: true }),

  roles: () => items(request<List<Role>>('/api/roles')),
  createRole: (body: RoleInput) => request<Role>('/api/roles', { method: 'POST', body }),
  deleteRole: (roleId: string) => request<null>(`/api/roles/${id(roleId)}`, { method: 'DELETE' }),
  groups: () => items(request<List<Group>>('/api/groups')),
  createGroup: (body: GroupInput) => request<Group>('/api/groups', { method: 'POST', body }),
  updateGroup: (groupId: string, body: GroupInput) =>
    request<Group>(`/api/groups/${id(groupId)}`, { method: 'PUT', body }),
  deleteGroup: (groupId: string) => request<null>(`/api/groups/${id(groupId)}`, { method: 'DELETE' }),
  bindings: () => items(request<List<Binding>>('/api/role-bindings')),
  createBinding: (body: Partial<BindingInput> & { roleId: string }) =>
    request<Binding>('/api/role-bindings', { method: 'POST', body }),
  deleteBinding: (bindingId: string) =>
    request<null>(`/api/role-bindings/${id(bindingId)}`, { method: 'DELETE' }),

  apiKeys: () => items(request<List<ApiKey>>('/api/api-keys')),
  createApiKey: (body: CreateApiKey) => request<CreatedApiKey>('/api/api-keys', { method: 'POST', body }),
  deleteApiKey: (keyId: string) => request<null>(`/api/api-keys/${id(keyId)}`, { method: 'DELETE' }),

  profile: () => request<Profile>('/api/me'),
  updateProfile: (body: { displayName: string; email: string }) =>
    request<Profile>('/api/me', { method: 'PATCH', body }),
  checkPassword: (password: string) =>
    request<PasswordCheck>('/api/me/password-check', { method: 'POST', body: { password } }),
  changePassword: (body: ChangePassword) => request<null>('/api/me/password', { method: 'PUT', body }),
  passwordPolicy: () => request<PasswordPolicy>('/api/auth/password-policy', { quiet401: true }),
};
