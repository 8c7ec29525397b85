/**
 * Image vulnerability scans (Trivy): the summary the agent derives from Trivy's JSON, as the
 * agent's `image.scan` command answers it, as the batch item of a scheduled scan and as the API
 * shows the latest scan of an image.
 * @module
 */
import * as z from 'zod/mini';

export const SeveritySchema = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);
export type Severity = z.infer<typeof SeveritySchema>;

export const SEVERITIES = SeveritySchema.options;

export const VulnerabilitySchema = z.object({
  id: z.string().check(z.maxLength(128)),
  package: z.string().check(z.maxLength(256)),
  installedVersion: z.string().check(z.maxLength(256)),
  fixedVersion: z.nullable(z.string().check(z.maxLength(512))),
  severity: SeveritySchema,
  title: z.nullable(z.string().check(z.maxLength(1024))),
  /** The scanned layer or file (`alpine 3.19.1 (alpine)`, `app/package-lock.json`). */
  target: z.string().check(z.maxLength(512)),
});
export type Vulnerability = z.infer<typeof VulnerabilitySchema>;

export const SeverityCountsSchema = z.object({
  CRITICAL: z.int().check(z.nonnegative()),
  HIGH: z.int().check(z.nonnegative()),
  MEDIUM: z.int().check(z.nonnegative()),
  LOW: z.int().check(z.nonnegative()),
  UNKNOWN: z.int().check(z.nonnegative()),
});
export type SeverityCounts = z.infer<typeof SeverityCountsSchema>;

/** The most vulnerabilities one scan carries; counts stay exact beyond it. */
export const MAX_SCAN_VULNERABILITIES = 2000;

export const ImageScanSchema = z.object({
  image: z.string().check(z.minLength(1), z.maxLength(512)),
  scannedAt: z.number(),
  counts: SeverityCountsSchema,
  vulnerabilities: z.array(VulnerabilitySchema).check(z.maxLength(MAX_SCAN_VULNERABILITIES)),
  /** True when the list was cut at MAX_SCAN_VULNERABILITIES. */
  truncated: z.boolean(),
});
export type ImageScan = z.infer<typeof ImageScanSchema>;

export const ImageScanArgsSchema = z.strictObject({
  image: z.string().check(z.minLength(1), z.maxLength(512)),
});

/** `GET /api/containers/:id/scan`: the latest scan of the container's image, if any. */
export const ContainerScanResponseSchema = z.object({
  image: z.string(),
  hostId: z.string(),
  scan: z.nullable(ImageScanSchema),
  /** Whether the host's agent can scan at all (Trivy on its PATH), when known. */
  scanner: z.enum(['available', 'missing', 'unknown']),
});
export type ContainerScanResponse = z.infer<typeof ContainerScanResponseSchema>;
