/**
 * `agent.info`: what this agent is and which commands it runs. Harmless, so the hub (and the
 * tests of the command channel) can always ask it.
 * @module
 */
import { ok } from '@unity/shared';
import * as z from 'zod/mini';
import { AGENT_VERSION } from '../version.js';
import type { CommandDispatcher, CommandHandler } from './dispatcher.js';

export type AgentInfo = { version: string; readOnly: boolean; commands: string[] };

export const agentInfoCommand = (
  dispatcher: CommandDispatcher,
  readOnly: boolean,
): CommandHandler<Record<string, never>> => ({
  args: z.strictObject({}),
  mutates: false,
  run: async () => ok({ version: AGENT_VERSION, readOnly, commands: dispatcher.kinds } satisfies AgentInfo),
});
