/**
 * Nothing lost, nothing duplicated: after the agents stopped, every seq an agent had acknowledged
 * (1 .. firstPending − 1) must have exactly one row in host_samples and `containers` rows (of
 * `containers` distinct containers) in container_samples; a seq still pending may be stored or
 * not, but if stored then completely; and nothing may be stored under a seq the agent never made.
 * @module
 */
import type postgres from 'postgres';
import type { AgentFinal } from './worker.js';

export type Delivery = {
  agents: number;
  batches: number;
  hostRows: number;
  containerRows: number;
  lost: number;
  duplicated: number;
  wrong: number;
  problems: string[];
};

export async function verifyDelivery(
  sql: postgres.Sql,
  agents: AgentFinal[],
  containers: number,
): Promise<Delivery> {
  // One snapshot for both counts: a batch the hub commits between two plain queries (it may
  // still be storing what an overloaded run left queued) would look half stored.
  const [host, cont] = await sql.begin('isolation level repeatable read read only', async (tx) => [
    await tx<{ agent: string; seq: string; n: number }[]>`
      select host_id::text as agent, seq, count(*)::int as n from host_samples group by 1, 2`,
    await tx<{ agent: string | null; seq: string; n: number; d: number }[]>`
      select c.host_id::text as agent, s.seq, count(*)::int as n, count(distinct s.container_id)::int as d
      from container_samples s left join containers c on c.id = s.container_id group by 1, 2`,
  ]);
  const hostBy = new Map<string, number>();
  const contBy = new Map<string, { n: number; d: number }>();
  let hostRows = 0;
  let containerRows = 0;
  for (const r of host) {
    hostBy.set(`${r.agent}/${r.seq}`, r.n);
    hostRows += r.n;
  }
  for (const r of cont) {
    contBy.set(`${r.agent}/${r.seq}`, { n: r.n, d: r.d });
    containerRows += r.n;
  }
  const problems: string[] = [];
  let lost = 0;
  let duplicated = 0;
  let wrong = 0;
  let batches = 0;
  const known = new Set<string>();
  for (const a of agents) {
    for (let seq = 1; seq <= a.lastSeq; seq++) {
      const key = `${a.agentId}/${seq}`;
      known.add(key);
      const h = hostBy.get(key) ?? 0;
      const c = contBy.get(key) ?? { n: 0, d: 0 };
      const acked = seq < a.firstPending;
      if (h === 0 && c.n === 0) {
        if (acked) {
          lost++;
          if (problems.length < 20) problems.push(`agent ${a.index} seq ${seq}: acknowledged but not stored`);
        }
        continue;
      }
      batches++;
      if (h > 1 || c.n > containers) {
        duplicated++;
        if (problems.length < 20)
          problems.push(`agent ${a.index} seq ${seq}: ${h} host rows, ${c.n} container rows`);
      } else if (h !== 1 || c.n !== containers || c.d !== containers) {
        wrong++;
        if (problems.length < 20)
          problems.push(
            `agent ${a.index} seq ${seq}: ${h} host rows, ${c.n} container rows (${c.d} containers)`,
          );
      }
    }
  }
  for (const key of [...hostBy.keys(), ...contBy.keys()]) {
    if (known.has(key)) continue;
    wrong++;
    if (problems.length < 20)
      problems.push(`rows under ${key}, a seq no agent made (or a container of no host)`);
  }
  return { agents: agents.length, batches, hostRows, containerRows, lost, duplicated, wrong, problems };
}
