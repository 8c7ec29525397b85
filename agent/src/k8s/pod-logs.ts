/**
 * `k8s.logs`: a pod's log through the API server's pod log endpoint
 * (`GET /api/v1/namespaces/{ns}/pods/{name}/log`), streamed to the hub as chunks of text lines
 * (JSON arrays of strings, at most 64 KiB or 100 ms apart); with `follow` it goes on until the
 * hub cancels. `emit` waits for credit, so a slow reader slows the reading of the answer.
 * @module
 */
import { createInterface } from 'node:readline';
import { type CommandError, err, type K8sLogsArgs, K8sLogsArgsSchema, ok, type Result } from '@unity/shared';
import type { CommandHandler } from '../commands/dispatcher.js';
import { errorMessage } from '../errors.js';
import { type KubeHttp, KubeHttpError } from './kube-http.js';

export function k8sLogsCommand(
  httpFor: (cluster: string) => KubeHttp | undefined,
): CommandHandler<K8sLogsArgs> {
  return {
    args: K8sLogsArgsSchema,
    mutates: false,
    run: async (args, { signal, emit }): Promise<Result<unknown, CommandError>> => {
      const http = httpFor(args.cluster);
      if (!http)
        return err({ code: 'not_found', message: `this agent does not watch cluster ${args.cluster}` });
      const path = `/api/v1/namespaces/${encodeURIComponent(args.namespace)}/pods/${encodeURIComponent(args.pod)}/log`;
      let res: Awaited<ReturnType<KubeHttp['open']>>;
      try {
        res = await http.open(
          path,
          {
            tailLines: String(args.tailLines),
            ...(args.follow ? { follow: 'true' } : {}),
            ...(args.container ? { container: args.container } : {}),
          },
          signal,
        );
      } catch (error) {
        if (error instanceof KubeHttpError && error.statusCode === 404)
          return err({ code: 'not_found', message: error.message });
        if (signal.aborted) return err({ code: 'cancelled', message: 'cancelled' });
        return err({ code: 'failed', message: errorMessage(error) });
      }
      let lines = 0;
      let pending: string[] = [];
      let bytes = 0;
      let timer: NodeJS.Timeout | undefined;
      let sending: Promise<void> = Promise.resolve();
      const send = () => {
        clearTimeout(timer);
        timer = undefined;
        if (pending.length === 0) return sending;
        const chunk = JSON.stringify(pending);
        pending = [];
        bytes = 0;
        sending = sending.then(() => emit(chunk));
        return sending;
      };
      try {
        const reader = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
        for await (const line of reader) {
          lines += 1;
          pending.push(line);
          bytes += line.length;
          if (bytes >= 64 * 1024) await send();
          else timer ??= setTimeout(() => void send().catch(() => undefined), 100);
        }
        await send();
        return ok({ lines });
      } catch (error) {
        clearTimeout(timer);
        if (signal.aborted) return err({ code: 'cancelled', message: 'cancelled' });
        return err({ code: 'failed', message: errorMessage(error) });
      }
    },
  };
}
