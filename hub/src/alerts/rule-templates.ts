/**
 * Built-in rule templates (`GET /api/alert-rule-templates`): the rules most homelabs and small
 * teams want, with settings that hold up in practice (a short `for` against blips, hysteresis on
 * thresholds, flapping damping on up/down rules). Their messages are the built-in defaults.
 * The Kubernetes set follows the kube-prometheus alerts these users know.
 * @module
 */
import { type AlertRuleSpecInput, AlertRuleSpecSchema, type AlertRuleTemplate } from '@unity/shared';

const FLAPPING = { changes: 6, windowSec: 1800 };

const templates: { id: string; name: string; description: string; rule: AlertRuleSpecInput }[] = [
  {
    id: 'container-down',
    name: 'Container down',
    description: 'A container has been stopped (exited or dead) for 30 seconds.',
    rule: {
      name: 'Container down',
      selector: { object: 'container' },
      condition: { kind: 'status', status: 'stopped' },
      severity: 'critical',
      for: 30,
      flapping: FLAPPING,
    },
  },
  {
    id: 'log-errors',
    name: 'Errors in logs',
    description:
      'A container logged at least 5 lines with error, fatal, panic or exception within 5 minutes (needs its logs shipped).',
    rule: {
      name: 'Errors in logs',
      selector: { object: 'container' },
      // PostgreSQL regex: \m and \M are the start and end of a word.
      condition: {
        kind: 'log_pattern',
        pattern: '\\m(error|fatal|panic|exception)\\M',
        ignoreCase: true,
        windowSec: 300,
        threshold: 5,
      },
      severity: 'warning',
      keepFiringFor: 300,
    },
  },
  {
    id: 'container-died',
    name: 'Container died',
    description: 'A container exited with a non-zero exit code.',
    rule: {
      name: 'Container died',
      selector: { object: 'container' },
      condition: { kind: 'status', status: 'died' },
      severity: 'critical',
      flapping: FLAPPING,
    },
  },
  {
    id: 'restart-loop',
    name: 'Restart loop',
    description: 'A container restarted 3 times or more within 15 minutes.',
    rule: {
      name: 'Restart loop',
      selector: { object: 'container' },
      condition: { kind: 'status', status: 'restarting', restarts: 3, windowSec: 900 },
      severity: 'warning',
      keepFiringFor: 300,
    },
  },
  {
    id: 'container-unhealthy',
    name: 'Container unhealthy',
    description: 'A container’s health check has been failing for a minute.',
    rule: {
      name: 'Container unhealthy',
      selector: { object: 'container' },
      condition: { kind: 'status', status: 'unhealthy' },
      severity: 'warning',
      for: 60,
      flapping: FLAPPING,
    },
  },
  {
    id: 'oom-killed',
    name: 'OOM-killed',
    description: 'A container was killed for running out of memory.',
    rule: {
      name: 'Container OOM-killed',
      selector: { object: 'container' },
      condition: { kind: 'status', status: 'oom_killed' },
      severity: 'warning',
    },
  },
  {
    id: 'container-cpu-high',
    name: 'Container CPU high',
    description: 'A container used more than 90 % CPU on average over 5 minutes, for 5 minutes.',
    rule: {
      name: 'Container CPU high',
      selector: { object: 'container' },
      condition: {
        kind: 'threshold',
        metric: 'cpu_percent',
        aggregation: 'avg',
        windowSec: 300,
        op: '>',
        threshold: 90,
        clearThreshold: 80,
      },
      severity: 'warning',
      for: 300,
    },
  },
  {
    id: 'container-memory-high',
    name: 'Container memory high',
    description: 'A container used more than 90 % of its memory limit for 5 minutes.',
    rule: {
      name: 'Container memory high',
      selector: { object: 'container' },
      condition: {
        kind: 'threshold',
        metric: 'memory_percent',
        aggregation: 'avg',
        windowSec: 300,
        op: '>',
        threshold: 90,
        clearThreshold: 85,
      },
      severity: 'warning',
      for: 300,
    },
  },
  {
    id: 'host-cpu-high',
    name: 'Host CPU high',
    description: 'A host’s CPU was busier than 90 % on average over 5 minutes, for 5 minutes.',
    rule: {
      name: 'Host CPU high',
      selector: { object: 'host' },
      condition: {
        kind: 'threshold',
        metric: 'cpu_percent',
        aggregation: 'avg',
        windowSec: 300,
        op: '>',
        threshold: 90,
        clearThreshold: 80,
      },
      severity: 'warning',
      for: 300,
    },
  },
  {
    id: 'host-memory-high',
    name: 'Host memory high',
    description: 'A host used more than 90 % of its memory for 5 minutes.',
    rule: {
      name: 'Host memory high',
      selector: { object: 'host' },
      condition: {
        kind: 'threshold',
        metric: 'memory_percent',
        aggregation: 'avg',
        windowSec: 300,
        op: '>',
        threshold: 90,
        clearThreshold: 85,
      },
      severity: 'warning',
      for: 300,
    },
  },
  {
    id: 'disk-almost-full',
    name: 'Disk almost full',
    description: 'A filesystem is more than 90 % full (per mount).',
    rule: {
      name: 'Disk almost full',
      selector: { object: 'host' },
      condition: {
        kind: 'threshold',
        metric: 'disk_percent',
        aggregation: 'last',
        windowSec: 300,
        op: '>',
        threshold: 90,
        clearThreshold: 88,
      },
      severity: 'critical',
      for: 120,
    },
  },
  {
    id: 'host-offline',
    name: 'Host offline',
    description: 'A host’s agent has not been connected for a minute.',
    rule: {
      name: 'Host offline',
      selector: { object: 'host' },
      condition: { kind: 'status', status: 'offline' },
      severity: 'critical',
      for: 60,
      flapping: FLAPPING,
    },
  },
  {
    id: 'probe-down',
    name: 'Probe down',
    description: 'A probe has been down (its quorum of locations failing) for a minute.',
    rule: {
      name: 'Probe down',
      selector: { object: 'probe' },
      condition: { kind: 'status', status: 'down' },
      severity: 'critical',
      for: 60,
      flapping: FLAPPING,
    },
  },
  {
    id: 'certificate-expiring',
    name: 'Certificate expiring',
    description: 'A probed TLS certificate chain expires within 14 days.',
    rule: {
      name: 'Certificate expiring',
      selector: { object: 'probe' },
      condition: { kind: 'status', status: 'cert_expiring' },
      severity: 'warning',
    },
  },
  // ---- Kubernetes ----
  {
    id: 'k8s-pod-crash-looping',
    name: 'PodCrashLooping',
    description: 'A pod restarted more than 5 times within 10 minutes.',
    rule: {
      name: 'PodCrashLooping',
      selector: { object: 'k8s_pod' },
      condition: { kind: 'status', status: 'restarting', restarts: 6, windowSec: 600 },
      severity: 'warning',
      keepFiringFor: 300,
    },
  },
  {
    id: 'k8s-pod-not-ready',
    name: 'PodNotReady',
    description: 'A running or pending pod has not been ready for 5 minutes.',
    rule: {
      name: 'PodNotReady',
      selector: { object: 'k8s_pod' },
      condition: { kind: 'status', status: 'not_ready' },
      severity: 'warning',
      for: 300,
    },
  },
  {
    id: 'k8s-node-not-ready',
    name: 'NodeNotReady',
    description: 'A node’s Ready condition has not been true for 2 minutes.',
    rule: {
      name: 'NodeNotReady',
      selector: { object: 'k8s_node' },
      condition: { kind: 'status', status: 'not_ready' },
      severity: 'critical',
      for: 120,
      flapping: FLAPPING,
    },
  },
  {
    id: 'k8s-node-memory-pressure',
    name: 'NodeMemoryPressure',
    description: 'A node has reported MemoryPressure for 2 minutes.',
    rule: {
      name: 'NodeMemoryPressure',
      selector: { object: 'k8s_node' },
      condition: { kind: 'status', status: 'memory_pressure' },
      severity: 'warning',
      for: 120,
    },
  },
  {
    id: 'k8s-node-disk-pressure',
    name: 'NodeDiskPressure',
    description: 'A node has reported DiskPressure for 2 minutes.',
    rule: {
      name: 'NodeDiskPressure',
      selector: { object: 'k8s_node' },
      condition: { kind: 'status', status: 'disk_pressure' },
      severity: 'warning',
      for: 120,
    },
  },
  {
    id: 'k8s-replica-mismatch',
    name: 'DeploymentReplicaMismatch',
    description:
      'A deployment, statefulset or daemonset has had fewer ready replicas than desired for 5 minutes.',
    rule: {
      name: 'DeploymentReplicaMismatch',
      selector: { object: 'k8s_workload' },
      condition: { kind: 'status', status: 'replica_mismatch' },
      severity: 'warning',
      for: 300,
    },
  },
  {
    id: 'k8s-rollout-stuck',
    name: 'RolloutStuck',
    description:
      'A rollout has not progressed for 15 minutes (Progressing false or its deadline exceeded, or fewer updated replicas than desired).',
    rule: {
      name: 'RolloutStuck',
      selector: { object: 'k8s_workload' },
      condition: { kind: 'status', status: 'rollout_stuck' },
      severity: 'warning',
      for: 900,
    },
  },
  {
    id: 'k8s-pvc-near-full',
    name: 'PVCNearFull',
    description:
      'A persistent volume claim is more than 85 % full (needs its volume use, read from the kubelet).',
    rule: {
      name: 'PVCNearFull',
      selector: { object: 'k8s_pvc' },
      condition: {
        kind: 'threshold',
        metric: 'usage_percent',
        aggregation: 'last',
        windowSec: 300,
        op: '>',
        threshold: 85,
        clearThreshold: 83,
      },
      severity: 'warning',
      for: 120,
    },
  },
  {
    id: 'k8s-quota-near-limit',
    name: 'QuotaNearLimit',
    description: 'A namespace uses more than 90 % of a resource quota (its fullest resource).',
    rule: {
      name: 'QuotaNearLimit',
      selector: { object: 'k8s_quota' },
      condition: {
        kind: 'threshold',
        metric: 'quota_percent',
        aggregation: 'last',
        windowSec: 300,
        op: '>',
        threshold: 90,
        clearThreshold: 88,
      },
      severity: 'warning',
      for: 300,
    },
  },
  {
    id: 'k8s-job-failed',
    name: 'JobFailed',
    description: 'A job failed (its backoff limit or deadline was reached).',
    rule: {
      name: 'JobFailed',
      selector: { object: 'k8s_job' },
      condition: { kind: 'status', status: 'failed' },
      severity: 'warning',
    },
  },
];

/** The templates with every default filled in (a parse error here is a bug caught by tests). */
export const RULE_TEMPLATES: readonly AlertRuleTemplate[] = templates.map((t) => ({
  ...t,
  rule: AlertRuleSpecSchema.parse(t.rule),
}));
