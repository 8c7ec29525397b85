/**
 * The registry of connected agents: one socket per agent (a newer connection replaces an older
 * one), presence derived from it, and revocation that closes an agent's socket at once.
 * @module
 */
import { eq } from 'drizzle-orm';
import type { WebSocket } from 'ws';
import type { Db } from '../db/client.js';
import { agents } from '../db/schema.js';
import type { LiveBus } from '../live/bus.js';
import type { Logger } from '../log.js';
import { AgentCommands } from './commands.js';

/** Application close codes (RFC 6455 §7.4.2 reserves 4000–4999 for private use). */
export const CLOSE_REPLACED = 4000;
export const CLOSE_REVOKED = 4001;
export const CLOSE_SHUTDOWN = 1001;

type Link = { ws: WebSocket; lastHeard: number };

export class AgentHub {
  readonly #links = new Map<string, Link>();
  /** Commands to connected agents, answered over their sockets. */
  readonly commands: AgentCommands;

  constructor(private readonly deps: { db: Db; bus: LiveBus; log: Logger; offlineAfterMs: number }) {
    this.commands = new AgentCommands({
      socketOf: (agentId) => this.#links.get(agentId)?.ws,
      log: deps.log.child({ module: 'agent-commands' }),
    });
  }

  /** Makes `ws` the agent's connection, closing any previous one. */
  register(agentId: string, ws: WebSocket): void {
    const previous = this.#links.get(agentId);
    this.#links.set(agentId, { ws, lastHeard: Date.now() });
    if (previous) {
      this.deps.log.info({ agentId }, 'agent reconnected; closing its previous connection');
      previous.ws.close(CLOSE_REPLACED, 'replaced by a newer connection');
    } else {
      this.deps.bus.publish({ type: 'presence', hostId: agentId, online: true, at: Date.now() });
    }
  }

  /** Forgets `ws` if it is still the agent's connection; a replaced socket changes nothing. */
  unregister(agentId: string, ws: WebSocket): void {
    if (this.#links.get(agentId)?.ws !== ws) return;
    this.#links.delete(agentId);
    this.deps.bus.publish({ type: 'presence', hostId: agentId, online: false, at: Date.now() });
    this.deps.db
      .update(agents)
      .set({ lastSeenAt: new Date() })
      .where(eq(agents.id, agentId))
      .catch((error: unknown) => this.deps.log.warn({ err: error, agentId }, 'could not record last seen'));
  }

  heard(agentId: string, ws: WebSocket): void {
    const link = this.#links.get(agentId);
    if (link?.ws === ws) link.lastHeard = Date.now();
  }

  /** Online = a socket is open and the agent was heard from recently. */
  isOnline(agentId: string, now = Date.now()): boolean {
    const link = this.#links.get(agentId);
    return link !== undefined && now - link.lastHeard < this.deps.offlineAfterMs;
  }

  get connected(): number {
    return this.#links.size;
  }

  /** Revokes an agent: its key stops working and its socket closes now. */
  async revoke(agentId: string): Promise<void> {
    await this.deps.db.update(agents).set({ revoked: true }).where(eq(agents.id, agentId));
    this.#links.get(agentId)?.ws.close(CLOSE_REVOKED, 'agent revoked');
  }

  closeAll(): void {
    for (const { ws } of this.#links.values()) ws.close(CLOSE_SHUTDOWN, 'hub shutting down');
  }
}
