/**
 * Resource use of one process from procfs: resident memory (`VmRSS` in /proc/<pid>/status) and
 * CPU time (utime + stime in /proc/<pid>/stat, in clock ticks). CPU % over a window is the CPU
 * time spent divided by the wall time, so 100 % is one full core.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

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

/** User plus system CPU time in seconds, of a process or (`/proc/<pid>/task/<tid>`) a thread. */
export function cpuSeconds(pid: number, dir = `/proc/${pid}`): number {
  const stat = readFileSync(`${dir}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * On-CPU time of a thread in seconds from `/proc/<pid>/task/<tid>/schedstat` (nanoseconds, exact;
 * `stat`'s clock ticks are 10 ms apiece, coarse for an agent that runs a few ms per tick), or
 * undefined where the kernel keeps no schedstat.
 */
function schedSeconds(dir: string): number | undefined {
  try {
    return Number(readFileSync(`${dir}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return undefined;
  }
}

/**
 * A Node process's CPU time by kind of thread: the main thread (JavaScript, the event loop and
 * its system calls), `libuv-worker` (the threadpool: fs, dns, crypto) and `V8Worker` (garbage
 * collection and optimising compiles); anything else is `other`. Threads that ended since are
 * missing, so the parts can add up to less than the process's total.
 */
export type ThreadCpu = { main: number; libuv: number; v8: number; other: number };

export function threadCpuSeconds(pid: number): ThreadCpu {
  const out: ThreadCpu = { main: 0, libuv: 0, v8: 0, other: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const dir = `/proc/${pid}/task/${tid}`;
    let seconds: number;
    let name: string;
    try {
      seconds = schedSeconds(dir) ?? cpuSeconds(pid, dir);
      name = readFileSync(`${dir}/comm`, 'utf8').trim();
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const part: keyof ThreadCpu =
      tid === String(pid) ? 'main' : name === 'libuv-worker' ? 'libuv' : name === 'V8Worker' ? 'v8' : 'other';
    out[part] += seconds;
  }
  return out;
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
  /** The same by kind of thread (see ThreadCpu). */
  threads: ThreadCpu;
};

const MiB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Samples `pid` every `everyMs` for `durationMs`; CPU is averaged over the whole window. */
export async function sampleUsage(pid: number, durationMs: number, everyMs = 1000): Promise<Usage> {
  const t0 = performance.now();
  const cpu0 = cpuSeconds(pid);
  const threads0 = threadCpuSeconds(pid);
  const rss: number[] = [rssBytes(pid)];
  while (performance.now() - t0 < durationMs) {
    await new Promise((r) => setTimeout(r, Math.min(everyMs, durationMs - (performance.now() - t0))));
    rss.push(rssBytes(pid));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const threads1 = threadCpuSeconds(pid);
  const threads: ThreadCpu = {
    main: round(threads1.main - threads0.main, 6),
    libuv: round(threads1.libuv - threads0.libuv, 6),
    v8: round(threads1.v8 - threads0.v8, 6),
    other: round(threads1.other - threads0.other, 6),
  };
  return {
    samples: rss.length,
    seconds: round(seconds),
    rssPeakMiB: round(Math.max(...rss) / MiB),
    rssAvgMiB: round(rss.reduce((a, b) => a + b, 0) / rss.length / MiB),
    rssLastMiB: round((rss.at(-1) ?? 0) / MiB),
    cpuAvgPercent: round((cpu / seconds) * 100, 2),
    cpuSeconds: cpu,
    threads,
  };
}
