/**
 * Where things are: the repository root, the artifacts folder (`test-results/`, kept by CI for
 * debugging) and per-test temporary folders.
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * How a test starts a hub or an agent process. From the TypeScript source through tsx by
 * default; `npm test` sets UNITY_TEST_BUNDLE (scripts/bundle-tests.mjs) and builds the agent
 * bundle first, and then processes start from those pre-built files: loading the hub through
 * tsx costs about 5 s of CPU per process, the bundle about 1 s, on a machine CI keeps busy.
 */
export function entryArgs(which: 'hub' | 'agent' | 'agent-k8s'): string[] {
  const bundle = process.env.UNITY_TEST_BUNDLE;
  if (!bundle) return ['--import', 'tsx', join(which === 'hub' ? 'hub' : 'agent', 'src', 'main.ts')];
  if (which === 'hub') return [join(resolve(REPO_ROOT, bundle), 'hub', 'src', 'main.mjs')];
  // The host agent's bundle has no Kubernetes support (see agent/build.mjs).
  return [join(REPO_ROOT, 'agent', 'dist', which === 'agent' ? 'unity-agent.mjs' : 'unity-agent-k8s.mjs')];
}

/** Logs, screenshots and benchmark JSON land here. */
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');

/** Podman is pointed at this file (runc, explicit ulimits); scripts/test-env.sh writes it. */
export const CONTAINERS_CONF = join(REPO_ROOT, '.tools', 'podman', 'containers.conf');

/** `test-results/<sub>`, created. */
export function resultsPath(...parts: string[]): string {
  const path = join(RESULTS_DIR, ...parts);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** A fresh temporary folder with a short path (unix socket paths are limited to 107 bytes). */
export function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `unity-${label}-`));
}

export function removeDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
