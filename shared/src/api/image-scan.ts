/**
 * Image vulnerability scans (Trivy): the summary the agent derives from Trivy's JSON, as the
 * agent's `image.scan` command answers it, as the batch item of a scheduled scan and as the API
 * shows the latest scan of an image.
 * @module
 */
import { z } from 'zod';

export const SeveritySchema = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);
export type Severity = z.infer<typeof SeveritySchema>;

export const SEVERITIES = SeveritySchema.options;

export const VulnerabilitySchema = z.object({
  id: z.string().max(128),
  package: z.string().max(256),
  installedVersion: z.string().max(256),
  fixedVersion: z.string().max(512).nullable(),
  severity: SeveritySchema,
  title: z.string().max(1024).nullable(),
  /** The scanned layer or file (`alpine 3.19.1 (alpine)`, `app/package-lock.json`). */
  target: z.string().max(512),
});
export type Vulnerability = z.infer<typeof VulnerabilitySchema>;

export const SeverityCountsSchema = z.object({
  CRITICAL: z.int().nonnegative(),
  HIGH: z.int().nonnegative(),
  MEDIUM: z.int().nonnegative(),
  LOW: z.int().nonnegative(),
  UNKNOWN: z.int().nonnegative(),
});
export type SeverityCounts = z.infer<typeof SeverityCountsSchema>;

/** The most vulnerabilities one scan carries; counts stay exact beyond it. */
export const MAX_SCAN_VULNERABILITIES = 2000;

export const ImageScanSchema = z.object({
  image: z.string().min(1).max(512),
  scannedAt: z.number(),
  counts: SeverityCountsSchema,
  vulnerabilities: z.array(VulnerabilitySchema).max(MAX_SCAN_VULNERABILITIES),
  /** True when the list was cut at MAX_SCAN_VULNERABILITIES. */
  truncated: z.boolean(),
});
export type ImageScan = z.infer<typeof ImageScanSchema>;

export const ImageScanArgsSchema = z.object({ image: z.string().min(1).max(512) }).strict();

/** `GET /api/containers/:id/scan`: the latest scan of the container's image, if any. */
export const ContainerScanResponseSchema = z.object({
  image: z.string(),
  hostId: z.string(),
  scan: ImageScanSchema.nullable(),
  /** Whether the host's agent can scan at all (Trivy on its PATH), when known. */
  scanner: z.enum(['available', 'missing', 'unknown']),
});
export type ContainerScanResponse = z.infer<typeof ContainerScanResponseSchema>;
