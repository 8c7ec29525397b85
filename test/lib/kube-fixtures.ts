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
