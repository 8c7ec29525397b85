/**
 * Resource use of one process from procfs: resident memory (`VmRSS` in /proc/<pid>/status) and
 * CPU time (utime + stime in /proc/<pid>/stat, in clock ticks). CPU % over a window is the CPU
 * time spent divided by the wall time, so 100 % is one full core.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kib) * 1024;
}

/** User plus system CPU time in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export type Usage = {
  samples: number;
  seconds: number;
  rssPeakMiB: number;
  rssAvgMiB: number;
  rssLastMiB: number;
  cpuAvgPercent: number;
  /** CPU time spent in the window, user + system. */
  cpuSeconds: number;
};

const MiB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Samples `pid` every `everyMs` for `durationMs`; CPU is averaged over the whole window. */
export async function sampleUsage(pid: number, durationMs: number, everyMs = 1000): Promise<Usage> {
  const t0 = performance.now();
  const cpu0 = cpuSeconds(pid);
  const rss: number[] = [rssBytes(pid)];
  while (performance.now() - t0 < durationMs) {
    await new Promise((r) => setTimeout(r, Math.min(everyMs, durationMs - (performance.now() - t0))));
    rss.push(rssBytes(pid));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  return {
    samples: rss.length,
    seconds: round(seconds),
    rssPeakMiB: round(Math.max(...rss) / MiB),
    rssAvgMiB: round(rss.reduce((a, b) => a + b, 0) / rss.length / MiB),
    rssLastMiB: round((rss.at(-1) ?? 0) / MiB),
    cpuAvgPercent: round((cpu / seconds) * 100, 2),
    cpuSeconds: cpu,
  };
}
