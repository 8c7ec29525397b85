/**
 * The typed HTTP client for the hub's API. Calls return a `Result` (errors as values): the
 * caller decides what to show, and a 401 anywhere also notifies the app shell so it can send the
 * user to the sign-in page.
 * @module
 */
import type {
  ApiErrorCode,
  AuditEntry,
  AuthStatus,
  Container,
  ContainerAction,
  ContainerActionBody,
  ContainerScanResponse,
  ContainerSeries,
  CreateEnrollmentToken,
  EnrollmentToken,
  Host,
  HostSeries,
  HubStatus,
  LoginRequest,
  Me,
  Result,
  SecondFactorRequired,
  SetupRequest,
} from '@unity/shared';

/** What went wrong, ready to show: `message` comes from the hub or describes the network fault. */
export type ApiFailure = {
  /** HTTP status, or 0 when the request never got an answer. */
  status: number;
  code: ApiErrorCode | 'network';
  message: string;
};

export type ApiResult<T> = Result<T, ApiFailure>;

/** Anything with zod's `safeParse`; the UI does not depend on zod itself. */
type Parser<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false } };

/** A call's answer checked against its shared schema: an unexpected answer is an error, not a broken page. */
export async function parsed<T>(call: Promise<ApiResult<unknown>>, schema: Parser<T>): Promise<ApiResult<T>> {
  const res = await call;
  if (!res.ok) return res;
  const p = schema.safeParse(res.value);
  return p.success
    ? { ok: true, value: p.data }
    : { ok: false, error: { status: 200, code: 'internal', message: 'The hub sent an unexpected answer.' } };
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called on every 401 except from the sign-in calls themselves. Returns an unsubscribe. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Do not broadcast a 401 (the sign-in and session probes expect it). */
  quiet401?: boolean;
  signal?: AbortSignal;
};

/** One API call; never throws (except on abort, which callers asked for). */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const { method = 'GET', body, quiet401 = false, signal } = options;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    return {
      ok: false,
      error: { status: 0, code: 'network', message: 'Cannot reach the hub. Check your connection.' },
    };
  }
  if (res.status === 401 && !quiet401) for (const l of unauthorizedListeners) l();
  const payload: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.ok) return { ok: true, value: payload as T };
  return { ok: false, error: toFailure(res.status, payload) };
}

function toFailure(status: number, payload: unknown): ApiFailure {
  const error = (payload as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return { status, code: error.code as ApiErrorCode, message: error.message };
  }
  return { status, code: fallbackCode(status), message: `The hub answered ${status}.` };
}

function fallbackCode(status: number): ApiErrorCode {
  if (status === 400) return 'bad_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  return 'internal';
}

/** A time window for series endpoints, epoch ms. */
export type SeriesWindow = { from: number; to: number; points: number };

const qs = (w: SeriesWindow) => `from=${Math.floor(w.from)}&to=${Math.ceil(w.to)}&points=${w.points}`;
const id = encodeURIComponent;

/** The endpoints the UI uses, one function each. */
export const api = {
  authStatus: () => request<AuthStatus>('/api/auth/status', { quiet401: true }),
  me: () => request<Me>('/api/auth/me', { quiet401: true }),
  /** A `SecondFactorRequired` answer (202) means no session yet: the code step follows. */
  login: (body: LoginRequest) =>
    request<Me | SecondFactorRequired>('/api/auth/login', { method: 'POST', body, quiet401: true }),
  logout: () => request<unknown>('/api/auth/logout', { method: 'POST', quiet401: true }),
  setup: (body: SetupRequest) => request<Me>('/api/auth/setup', { method: 'POST', body, quiet401: true }),

  hosts: () => request<{ items: Host[] }>('/api/hosts'),
  host: (hostId: string) => request<Host>(`/api/hosts/${id(hostId)}`),
  hostMetrics: (hostId: string, w: SeriesWindow) =>
    request<HostSeries>(`/api/hosts/${id(hostId)}/metrics?${qs(w)}`),

  containers: (hostId: string) => request<{ items: Container[] }>(`/api/containers?host=${id(hostId)}`),
  container: (containerId: string) => request<Container>(`/api/containers/${id(containerId)}`),
  containerStats: (containerId: string, w: SeriesWindow) =>
    request<ContainerSeries>(`/api/containers/${id(containerId)}/stats?${qs(w)}`),

  containerAction: (containerId: string, action: ContainerAction, body: ContainerActionBody = {}) =>
    request<{ ok: true }>(`/api/containers/${id(containerId)}/actions/${action}`, { method: 'POST', body }),
  containerScan: (containerId: string) =>
    request<ContainerScanResponse>(`/api/containers/${id(containerId)}/scan`),
  scanContainer: (containerId: string) =>
    request<ContainerScanResponse>(`/api/containers/${id(containerId)}/scan`, { method: 'POST' }),
  audit: (limit = 100, before?: number) =>
    request<{ items: AuditEntry[]; nextBefore: number | null }>(
      `/api/audit?limit=${limit}${before ? `&before=${before}` : ''}`,
    ),

  status: () => request<HubStatus>('/api/status'),

  createEnrollmentToken: (body: CreateEnrollmentToken = {}) =>
    request<EnrollmentToken>('/api/enrollment-tokens', { method: 'POST', body }),
};
