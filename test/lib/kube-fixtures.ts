/**
 * Kubernetes objects shaped like the API reference (v1.30), for seeding the loopback API server.
 * @module
 */
import type { KubeObject } from './kube-api.js';

export function node(name: string, ready = true): KubeObject {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: { taints: [] },
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: 'KubeletReady',
          lastTransitionTime: new Date().toISOString(),
        },
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure' },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.30.2',
        containerRuntimeVersion: 'containerd://1.7.13',
        osImage: 'Debian GNU/Linux 12',
        architecture: 'amd64',
      },
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
    },
  };
}

export function pod(
  namespace: string,
  name: string,
  options: {
    node?: string;
    phase?: string;
    ready?: boolean;
    restarts?: number;
    waiting?: string;
    owner?: { kind: string; name: string };
    labels?: Record<string, string>;
  } = {},
): KubeObject {
  const ready = options.ready ?? true;
  return {
    metadata: {
      name,
      namespace,
      labels: options.labels ?? { app: name.split('-')[0] as string },
      ...(options.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: options.owner.kind,
                name: options.owner.name,
                uid: 'x',
                controller: true,
              },
            ],
          }
        : {}),
      // Fields Unity ignores, so the slim projection has something to drop.
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(400) },
      managedFields: [
        { manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:containers': {} } } },
      ],
    },
    spec: {
      nodeName: options.node ?? 'node-1',
      containers: [
        {
          name: 'main',
          image: 'registry.example/app:1.2',
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          env: [{ name: 'A', value: 'b' }],
        },
      ],
    },
    status: {
      phase: options.phase ?? 'Running',
      podIP: '10.244.0.7',
      startTime: new Date().toISOString(),
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString() },
      ],
      containerStatuses: [
        {
          name: 'main',
          ready,
          restartCount: options.restarts ?? 0,
          image: 'registry.example/app:1.2',
          state: options.waiting
            ? { waiting: { reason: options.waiting, message: 'back-off restarting failed container' } }
            : { running: { startedAt: new Date().toISOString() } },
          ...(options.restarts ? { lastState: { terminated: { exitCode: 1, reason: 'Error' } } } : {}),
        },
      ],
    },
  };
}

export function deployment(namespace: string, name: string, replicas: number, ready: number): KubeObject {
  return {
    metadata: { name, namespace, generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: name } } },
    status: {
      observedGeneration: 1,
      replicas,
      readyReplicas: ready,
      updatedReplicas: replicas,
      availableReplicas: ready,
      conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
    },
  };
}

export function service(namespace: string, name: string, selector: Record<string, string>): KubeObject {
  return {
    metadata: { name, namespace },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      selector,
      ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
    status: {},
  };
}

export function ingress(namespace: string, name: string, host: string, serviceName: string): KubeObject {
  return {
    metadata: { name, namespace },
    spec: {
      tls: [{ hosts: [host], secretName: `${name}-tls` }],
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: serviceName, port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

export function event(
  namespace: string,
  name: string,
  involved: { kind: string; name: string },
  reason: string,
  type = 'Warning',
  count = 1,
): KubeObject {
  const now = new Date().toISOString();
  return {
    metadata: { name, namespace },
    involvedObject: { kind: involved.kind, name: involved.name, namespace },
    reason,
    message: `${reason} for ${involved.name}`,
    type,
    count,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: 'kubelet' },
  };
}

export function namespaceObject(name: string): KubeObject {
  return { metadata: { name }, spec: {}, status: { phase: 'Active' } };
}

export function pvc(namespace: string, name: string, capacity = '10Gi'): KubeObject {
  return {
    metadata: { name, namespace },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: capacity } },
      storageClassName: 'standard',
      volumeName: `pvc-${name}`,
      volumeMode: 'Filesystem',
    },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: capacity } },
  };
}

export function resourceQuota(
  namespace: string,
  name: string,
  hard: Record<string, string>,
  used: Record<string, string>,
): KubeObject {
  return { metadata: { name, namespace }, spec: { hard }, status: { hard, used } };
}

/** A LimitRange as the API reference shapes it: `spec.limits[]` per type. */
export function limitRange(namespace: string, name: string): KubeObject {
  return {
    metadata: { name, namespace },
    spec: {
      limits: [
        {
          type: 'Container',
          default: { cpu: '500m', memory: '512Mi' },
          defaultRequest: { cpu: '250m', memory: '256Mi' },
          max: { cpu: '2', memory: '2Gi' },
          min: { cpu: '50m', memory: '64Mi' },
        },
        { type: 'PersistentVolumeClaim', max: { storage: '50Gi' }, min: { storage: '1Gi' } },
      ],
    },
  };
}

type PodStats = {
  namespace: string;
  name: string;
  cpuNanoCores: number;
  memoryBytes: number;
  /** PVC-backed volumes: the PVC's name and what the kubelet measured. */
  volumes?: { pvc: string; usedBytes: number; capacityBytes: number }[];
};

/**
 * A kubelet `/stats/summary` answer (k8s.io/kubelet/pkg/apis/stats/v1alpha1 Summary): node CPU
 * and memory, each pod's with its containers, and its volumes (a PVC's with `pvcRef`, plus the
 * service account token volume every pod has, which has none).
 */
export function kubeletSummary(
  nodeName: string,
  node: { cpuNanoCores: number; memoryBytes: number },
  pods: PodStats[],
): unknown {
  const time = new Date().toISOString();
  const cpu = (n: number) => ({ time, usageNanoCores: n, usageCoreNanoSeconds: n * 3600 });
  const memory = (b: number) => ({
    time,
    availableBytes: 16 * 1024 ** 3 - b,
    usageBytes: b + 4096,
    workingSetBytes: b,
    rssBytes: b - 1024,
    pageFaults: 100,
    majorPageFaults: 0,
  });
  return {
    node: {
      nodeName,
      systemContainers: [{ name: 'kubelet', startTime: time, cpu: cpu(1e7), memory: memory(50 * 1024 ** 2) }],
      startTime: time,
      cpu: cpu(node.cpuNanoCores),
      memory: memory(node.memoryBytes),
      fs: { time, availableBytes: 5e10, capacityBytes: 1e11, usedBytes: 5e10 },
    },
    pods: pods.map((p) => ({
      podRef: { name: p.name, namespace: p.namespace, uid: `uid-${p.name}` },
      startTime: time,
      containers: [
        { name: 'main', startTime: time, cpu: cpu(p.cpuNanoCores), memory: memory(p.memoryBytes) },
      ],
      cpu: cpu(p.cpuNanoCores),
      memory: memory(p.memoryBytes),
      volume: [
        {
          time,
          availableBytes: 1e6,
          capacityBytes: 1e6,
          usedBytes: 12_288,
          inodesFree: 100,
          inodes: 110,
          inodesUsed: 10,
          name: 'kube-api-access-x7k2p',
        },
        ...(p.volumes ?? []).map((v) => ({
          time,
          availableBytes: v.capacityBytes - v.usedBytes,
          capacityBytes: v.capacityBytes,
          usedBytes: v.usedBytes,
          inodesFree: 1000,
          inodes: 1100,
          inodesUsed: 100,
          name: 'data',
          pvcRef: { name: v.pvc, namespace: p.namespace },
        })),
      ],
      'ephemeral-storage': { time, availableBytes: 5e10, capacityBytes: 1e11, usedBytes: 40_960 },
    })),
  };
}
