/**
 * HTTP to one Kubernetes API server, authenticated the way its kubeconfig (or the in-cluster
 * service account) says: @kubernetes/client-node's KubeConfig supplies the CA, client
 * certificate and bearer token (exec plugins included); the requests themselves go through
 * node:http(s) so list and watch answers are read as raw JSON and projected before anything is
 * kept.
 * @module
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';

export class KubeHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export type KubeHttp = {
  /** Opens `path` with `query`; resolves with the response once its status is 200. */
  open(path: string, query: Record<string, string>, signal?: AbortSignal): Promise<IncomingMessage>;
  getJson(path: string, query?: Record<string, string>): Promise<unknown>;
};

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A client for `kc`'s current context. */
export function kubeHttp(kc: KubeConfig): KubeHttp {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const server = cluster.server.replace(/\/+$/, '');
  const open: KubeHttp['open'] = async (path, query, signal) => {
    const url = new URL(server + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const options: https.RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
    await kc.applyToHTTPSOptions(options);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = client.request(url, { ...options, ...(signal ? { signal } : {}) }, (res) => {
        if (res.statusCode === 200) {
          resolve(res);
          return;
        }
        // A Status body names what went wrong ("pods \"x\" not found", "Unauthorized").
        readAll(res).then(
          (body) => {
            let message = `HTTP ${res.statusCode}`;
            try {
              const status = JSON.parse(body) as { message?: unknown };
              if (typeof status.message === 'string') message = status.message.slice(0, 1024);
            } catch {
              // not a Status: keep the code
            }
            reject(new KubeHttpError(res.statusCode ?? 0, message));
          },
          (error: unknown) => reject(error),
        );
      });
      req.on('error', reject);
      req.end();
    });
  };
  return {
    open,
    getJson: async (path, query = {}) => JSON.parse(await readAll(await open(path, query))) as unknown,
  };
}

/**
 * A client for one node's kubelet at `url` (`https://<host IP>:10250`), with `kc`'s credentials:
 * the kubelet checks the service account's token and authorizes `/stats/*` as `get nodes/stats`,
 * narrower than the API server's node proxy. Kubelet serving certificates are self-signed on most
 * clusters, hence `insecure`.
 */
export function kubeletHttp(kc: KubeConfig, url: string, insecure: boolean): KubeHttp {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster || !user) throw new Error('the kubeconfig has no current cluster and user');
  const kubelet = new KubeConfig();
  kubelet.loadFromClusterAndUser(
    { ...cluster, name: 'kubelet', server: url, skipTLSVerify: insecure || url.startsWith('http:') },
    user,
  );
  return kubeHttp(kubelet);
}
