/**
 * `logs.ship.set`: the hub's list of containers its users chose to ship (on top of those
 * labelled `unity.logs=ship`). The hub sends the whole list when the agent connects and after
 * each change, so the agent keeps no copy of its own.
 * @module
 */
import { type LogShipSetArgs, LogShipSetArgsSchema, ok } from '@unity/shared';
import type { CommandHandler } from '../commands/dispatcher.js';
import type { LogShipper } from './log-shipper.js';

export const logsShipSetCommand = (shipper: LogShipper): CommandHandler<LogShipSetArgs> => ({
  args: LogShipSetArgsSchema,
  // Reading logs changes nothing on the host, so a read-only agent ships too.
  mutates: false,
  run: async (args) => {
    shipper.setHubTargets(args.containers);
    return ok({ containers: args.containers.length });
  },
});
