/**
 * `probes.set`: the whole probe set the hub assigned to this agent. The hub sends it when the
 * agent connects and after every change, so the agent keeps no copy of its own.
 * @module
 */
import { ok, type ProbesSetArgs, ProbesSetArgsSchema } from '@unity/shared';
import type { CommandHandler } from '../commands/dispatcher.js';
import type { ProbeSchedule } from './probe-schedule.js';

export const probesSetCommand = (schedule: ProbeSchedule): CommandHandler<ProbesSetArgs> => ({
  args: ProbesSetArgsSchema,
  // Probing changes nothing on the host, so a read-only agent probes too.
  mutates: false,
  run: async (args) => {
    schedule.set(args.probes);
    return ok({ probes: schedule.size });
  },
});
