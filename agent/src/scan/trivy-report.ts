/**
 * Trivy's JSON report (`trivy image --format json`, SchemaVersion 2) reduced to what Unity shows:
 * counts by severity and the vulnerability list. Pure, so it is tested on recorded reports.
 *
 * The report lists findings per scanned target (the OS packages, each language lock file or
 * binary); a target without findings has no `Vulnerabilities` key, and an image with nothing to
 * scan may have no `Results` at all. One CVE in two packages counts twice, as Trivy's own table
 * does. Unknown fields are ignored, so newer Trivy versions keep working.
 * @module
 */
import {
  err,
  type ImageScan,
  MAX_SCAN_VULNERABILITIES,
  ok,
  type Result,
  type Severity,
  type SeverityCounts,
  SeveritySchema,
  type Vulnerability,
} from '@unity/shared';
import * as z from 'zod/mini';
import { compareText } from '../util/compare-text.js';

const TrivyVulnerabilitySchema = z.object({
  VulnerabilityID: z.string(),
  PkgName: z.string(),
  InstalledVersion: z._default(z.string(), ''),
  FixedVersion: z.optional(z.string()),
  Severity: z._default(z.string(), 'UNKNOWN'),
  Title: z.optional(z.string()),
});

const TrivyReportSchema = z.object({
  SchemaVersion: z.literal(2),
  ArtifactName: z.string(),
  Results: z.nullish(
    z.array(
      z.object({
        Target: z.string(),
        Class: z.optional(z.string()),
        Type: z.optional(z.string()),
        Vulnerabilities: z.nullish(z.array(TrivyVulnerabilitySchema)),
      }),
    ),
  ),
});

const ORDER: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, UNKNOWN: 4 };

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Parses Trivy's JSON output; `image` is what was asked for (the report may name it differently). */
export function parseTrivyReport(json: string, image: string, scannedAt: number): Result<ImageScan, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return err('trivy printed no JSON report');
  }
  const parsed = TrivyReportSchema.safeParse(raw);
  if (!parsed.success) return err(`unexpected Trivy report: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const counts: SeverityCounts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  const all: Vulnerability[] = [];
  for (const result of parsed.data.Results ?? []) {
    for (const v of result.Vulnerabilities ?? []) {
      const severity = z.catch(SeveritySchema, 'UNKNOWN').parse(v.Severity.toUpperCase());
      counts[severity]++;
      all.push({
        id: clip(v.VulnerabilityID, 128),
        package: clip(v.PkgName, 256),
        installedVersion: clip(v.InstalledVersion, 256),
        fixedVersion: v.FixedVersion ? clip(v.FixedVersion, 512) : null,
        severity,
        title: v.Title ? clip(v.Title, 1024) : null,
        target: clip(result.Target, 512),
      });
    }
  }
  // Worst first, so a cut list still holds what matters most.
  all.sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || compareText(a.id, b.id));
  return ok({
    image,
    scannedAt,
    counts,
    vulnerabilities: all.slice(0, MAX_SCAN_VULNERABILITIES),
    truncated: all.length > MAX_SCAN_VULNERABILITIES,
  });
}
