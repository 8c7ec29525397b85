import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ImageScanSchema } from '@unity/shared';
import { parseTrivyReport } from './trivy-report.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseTrivyReport on recorded Trivy JSON', () => {
  it('counts the findings of every target by severity', () => {
    const r = parseTrivyReport(fixture('trivy-image.json'), 'example-app:1.4.2', 1000);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.deepEqual(r.value.counts, { CRITICAL: 3, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 1 });
    assert.equal(r.value.vulnerabilities.length, 10);
    assert.equal(r.value.truncated, false);
    assert.equal(r.value.image, 'example-app:1.4.2');
    assert.equal(r.value.scannedAt, 1000);
    ImageScanSchema.parse(r.value);
  });

  it('keeps id, package, versions, severity, title and target, worst first', () => {
    const r = parseTrivyReport(fixture('trivy-image.json'), 'x', 1);
    assert.ok(r.ok);
    const [first] = r.value.vulnerabilities;
    assert.equal(first?.severity, 'CRITICAL');
    const go = r.value.vulnerabilities.find((v) => v.id === 'CVE-2023-45288');
    assert.deepEqual(go, {
      id: 'CVE-2023-45288',
      package: 'stdlib',
      installedVersion: 'v1.21.5',
      fixedVersion: '1.21.9, 1.22.2',
      severity: 'HIGH',
      title: 'golang: net/http, x/net/http2: unlimited number of CONTINUATION frames causes DoS',
      target: 'usr/local/bin/app',
    });
    const unfixed = r.value.vulnerabilities.find((v) => v.id === 'CVE-2024-4741');
    assert.equal(unfixed?.fixedVersion, null);
    assert.equal(unfixed?.title, null);
    assert.equal(unfixed?.severity, 'UNKNOWN');
    assert.equal(r.value.vulnerabilities.at(-1)?.severity, 'UNKNOWN');
  });

  it('a report without Results is a clean scan', () => {
    const r = parseTrivyReport(fixture('trivy-clean.json'), 'localhost/busybox:latest', 1);
    assert.ok(r.ok);
    assert.deepEqual(r.value.counts, { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 });
    assert.deepEqual(r.value.vulnerabilities, []);
  });

  it('refuses output that is not a SchemaVersion 2 report', () => {
    assert.deepEqual(parseTrivyReport('FATAL image scan error', 'x', 1), {
      ok: false,
      error: 'trivy printed no JSON report',
    });
    const v1 = parseTrivyReport(JSON.stringify({ SchemaVersion: 1, ArtifactName: 'x' }), 'x', 1);
    assert.equal(v1.ok, false);
  });

  it('cuts a huge list but keeps exact counts', () => {
    const many = Array.from({ length: 2500 }, (_, i) => ({
      VulnerabilityID: `CVE-2024-${10000 + i}`,
      PkgName: 'p',
      InstalledVersion: '1',
      Severity: i % 2 ? 'LOW' : 'critical',
    }));
    const json = JSON.stringify({
      SchemaVersion: 2,
      ArtifactName: 'x',
      Results: [{ Target: 't', Vulnerabilities: many }],
    });
    const r = parseTrivyReport(json, 'x', 1);
    assert.ok(r.ok);
    assert.equal(r.value.counts.CRITICAL, 1250);
    assert.equal(r.value.counts.LOW, 1250);
    assert.equal(r.value.vulnerabilities.length, 2000);
    assert.equal(r.value.truncated, true);
    assert.equal(r.value.vulnerabilities[1249]?.severity, 'CRITICAL');
  });
});
