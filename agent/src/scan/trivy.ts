/**
 * Runs Trivy, when it is installed: looks `trivy` up on PATH (per call, so installing it later
 * needs no restart) and runs `trivy image --format json --quiet <image>`, parsing its report.
 * @module
 */
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type CommandError, err, type ImageScan, type Result } from '@unity/shared';
import { errorMessage } from '../errors.js';
import { access } from '../util/fs-async.js';
import { parseTrivyReport } from './trivy-report.js';

export const TRIVY_MISSING = 'Trivy is not installed on this host';

/** A whole scan may download the vulnerability database first: minutes, not seconds. */
export const TRIVY_TIMEOUT_MS = 10 * 60_000;

export type TrivyOptions = {
  /** PATH to search. */
  searchPath: string;
  clock?: () => number;
  timeoutMs?: number;
};

/** The first executable `trivy` on `searchPath`, or undefined. */
export async function findTrivy(searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'trivy');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

export async function scanImage(
  image: string,
  options: TrivyOptions,
  signal?: AbortSignal,
): Promise<Result<ImageScan, CommandError>> {
  const trivy = await findTrivy(options.searchPath);
  if (!trivy) return err({ code: 'unsupported', message: TRIVY_MISSING });
  const started = (options.clock ?? Date.now)();
  // Loaded on first use: a module imported at the top stays resident in every agent, scanning
  // or not (docs/architecture.md, "Agent footprint").
  const { execFile } = await import('node:child_process');
  const output = await new Promise<Result<string, string>>((resolve) => {
    // `--` keeps an image name starting with "-" from being read as a flag.
    execFile(
      trivy,
      ['image', '--format', 'json', '--quiet', '--', image],
      {
        maxBuffer: 256 * 1024 * 1024,
        timeout: options.timeoutMs ?? TRIVY_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr).trim().split('\n').at(-1) || errorMessage(error);
          resolve({ ok: false, error: detail.slice(0, 1024) });
        } else resolve({ ok: true, value: String(stdout) });
      },
    );
  });
  if (!output.ok) return err({ code: 'failed', message: `trivy failed: ${output.error}` });
  const report = parseTrivyReport(output.value, image, started);
  return report.ok ? report : err({ code: 'failed', message: report.error });
}
