/**
 * A small client for the hub's HTTP API as a signed-in user: logs in with
 * `POST /api/auth/login` and sends the `unity_session` cookie on every call. Responses are
 * validated against the shared schemas, so a shape drift fails here with the field named.
 * @module
 */
import {
  type Container,
  ContainerEventListSchema,
  ContainerHealthViewSchema,
  ContainerListSchema,
  ContainerSeriesSchema,
  type CreateEnrollmentToken,
  type EnrollmentToken,
  EnrollmentTokenSchema,
  type Host,
  HostListSchema,
  HostSeriesSchema,
} from '@unity/shared';
import { ADMIN_PASSWORD, ADMIN_USER } from './hub.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}: ${body.slice(0, 500)}`);
  }
}

export class ApiClient {
  private cookie: string | undefined;

  constructor(readonly baseUrl: string) {}

  /** Signs in; throws ApiError on anything but 200. */
  static async login(baseUrl: string, username = ADMIN_USER, password = ADMIN_PASSWORD): Promise<ApiClient> {
    const client = new ApiClient(baseUrl);
    await client.login(username, password);
    return client;
  }

  async login(username: string, password: string): Promise<void> {
    const res = await fetch(`${this.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = await res.text();
    if (res.status !== 200) throw new ApiError(res.status, body, 'login');
    const session = res.headers.getSetCookie().find((c) => c.startsWith('unity_session='));
    if (!session)
      throw new Error(`login answered 200 without a unity_session cookie: ${res.headers.getSetCookie()}`);
    this.cookie = session.split(';')[0];
  }

  /** The `unity_session=…` cookie, for WebSocket clients. */
  get sessionCookie(): string | undefined {
    return this.cookie;
  }

  /** A raw request with the session cookie. */
  request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    return fetch(`${this.baseUrl}${path}`, { ...init, headers });
  }

  async json(path: string, init: RequestInit = {}): Promise<unknown> {
    const res = await this.request(path, init);
    const body = await res.text();
    if (!res.ok) throw new ApiError(res.status, body, `${init.method ?? 'GET'} ${path}`);
    return JSON.parse(body) as unknown;
  }

  async hosts(): Promise<Host[]> {
    return HostListSchema.parse(await this.json('/api/hosts')).items;
  }

  async containers(hostId: string): Promise<Container[]> {
    return ContainerListSchema.parse(await this.json(`/api/containers?host=${encodeURIComponent(hostId)}`))
      .items;
  }

  /** `GET /api/hosts/:id/metrics` over the last `minutes`, at raw resolution where available. */
  async hostSeries(hostId: string, minutes = 5) {
    const to = Date.now();
    const q = `from=${to - minutes * 60_000}&to=${to}&points=${minutes * 60}`;
    return HostSeriesSchema.parse(await this.json(`/api/hosts/${encodeURIComponent(hostId)}/metrics?${q}`));
  }

  /** `GET /api/containers/:id/stats` over the last `minutes`. */
  async containerSeries(containerId: string, minutes = 5) {
    const to = Date.now();
    const q = `from=${to - minutes * 60_000}&to=${to}&points=${minutes * 60}`;
    return ContainerSeriesSchema.parse(
      await this.json(`/api/containers/${encodeURIComponent(containerId)}/stats?${q}`),
    );
  }

  /** `GET /api/containers/:id/events` (or a host's with `host`), query as given. */
  async events(scope: { container: string } | { host: string }, query: Record<string, string> = {}) {
    const base = 'container' in scope ? `/api/containers/${scope.container}` : `/api/hosts/${scope.host}`;
    const qs = new URLSearchParams(query).toString();
    return ContainerEventListSchema.parse(await this.json(`${base}/events${qs ? `?${qs}` : ''}`)).items;
  }

  async containerHealth(containerId: string) {
    return ContainerHealthViewSchema.parse(await this.json(`/api/containers/${containerId}/health`));
  }

  async createEnrollmentToken(body: CreateEnrollmentToken = {}): Promise<EnrollmentToken> {
    return EnrollmentTokenSchema.parse(
      await this.json('/api/enrollment-tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  }
}
