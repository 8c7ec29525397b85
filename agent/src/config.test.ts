import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type CliCommand, type ConfigError, formatConfigError, parseCli } from './config.js';
import { AGENT_VERSION } from './version.js';

const TOKEN = 'tok_0123456789abcdef';

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const r = parseCli(argv, env);
  assert.equal(r.ok, true, r.ok ? '' : formatConfigError(r.error));
  const command = (r as { value: CliCommand }).value;
  assert.equal(command.kind, 'run');
  if (command.kind !== 'run') throw new Error('not run');
  return command.config;
}

function fail(argv: string[], env: NodeJS.ProcessEnv = {}): ConfigError {
  const r = parseCli(argv, env);
  assert.equal(r.ok, false, 'expected a config error');
  return (r as { error: ConfigError }).error;
}

describe('parseCli', () => {
  it('takes flags, and defaults the rest', () => {
    const c = run(['--hub', 'http://hub.example:8080/', '--token', TOKEN]);
    assert.equal(c.hubUrl, 'http://hub.example:8080');
    assert.equal(c.token, TOKEN);
    assert.equal(c.stateDir, '/var/lib/unity-agent');
    assert.equal(c.hostIntervalMs, undefined);
    assert.equal(c.outboxMaxBatches, 8640);
    assert.equal(c.outboxMaxBytes, 256 * 1024 * 1024);
    assert.equal(c.readOnly, false);
    assert.equal(c.engineAutodetect, true);
    assert.equal(c.logLevel, 'info');
  });

  it('reads the environment when a flag is absent; flags win', () => {
    const env = {
      UNITY_HUB_URL: 'https://hub.example',
      UNITY_ENROLL_TOKEN: TOKEN,
      UNITY_STATE_DIR: '/tmp/s',
      UNITY_HOST_INTERVAL: '500ms',
      DOCKER_HOST: 'unix:///a.sock,tcp://10.0.0.1:2375',
      LOG_LEVEL: 'debug',
      UNITY_READ_ONLY: 'true',
    };
    const c = run([], env);
    assert.equal(c.hubUrl, 'https://hub.example');
    assert.equal(c.hostIntervalMs, 500);
    assert.deepEqual(c.dockerHosts, ['unix:///a.sock', 'tcp://10.0.0.1:2375']);
    assert.equal(c.readOnly, true);
    assert.equal(c.logLevel, 'debug');
    const flagged = run(
      ['--host-interval', '2s', '--docker-host', 'unix:///b.sock', '--docker-host', 'unix:///c.sock'],
      env,
    );
    assert.equal(flagged.hostIntervalMs, 2000);
    assert.deepEqual(flagged.dockerHosts, ['unix:///b.sock', 'unix:///c.sock']);
  });

  it('parses sizes and counts for the outbox bound', () => {
    const c = run(['--outbox-max-bytes', '1GiB', '--outbox-max-batches', '10']);
    assert.equal(c.outboxMaxBytes, 1024 ** 3);
    assert.equal(c.outboxMaxBatches, 10);
  });

  it('names the flag and what it allows for a bad value', () => {
    assert.equal(
      formatConfigError(fail(['--host-interval', 'often'])),
      'config error: --host-interval: a duration like 10s or 500ms, from 100ms to 1h',
    );
    assert.equal(fail(['--hub', 'ftp://x']).source, '--hub');
    assert.equal(fail(['--token', 'short']).source, '--token');
    assert.equal(fail(['--docker-host', '/var/run/docker.sock']).source, '--docker-host');
    assert.equal(fail(['--outbox-max-bytes', '12']).source, '--outbox-max-bytes');
    assert.equal(fail(['--outbox-max-batches', '0']).source, '--outbox-max-batches');
    assert.equal(fail(['--log-level', 'loud']).source, '--log-level');
  });

  it('names the environment variable when the bad value came from there', () => {
    assert.equal(fail([], { UNITY_HOST_INTERVAL: '10' }).source, 'UNITY_HOST_INTERVAL');
    assert.equal(fail([], { DOCKER_HOST: 'docker.sock' }).source, 'DOCKER_HOST');
  });

  it('refuses unknown options and options without a value', () => {
    const unknown = fail(['--bogus']);
    assert.equal(formatConfigError(unknown), 'config error: --bogus: unknown option; see --help');
    assert.equal(fail(['--hub']).source, '--hub');
  });

  it('reads the Kubernetes clusters to watch: kubeconfig contexts (renamed or not), in-cluster, priority', () => {
    const c = run([
      '--kubeconfig',
      '/etc/kube/config',
      '--kube-context',
      'kind-a=prod,kind-b',
      '--kube-context',
      'kind-c',
      '--kube-priority',
      '7',
    ]);
    assert.deepEqual(c.kube?.contexts, [
      { context: 'kind-a', name: 'prod' },
      { context: 'kind-b', name: undefined },
      { context: 'kind-c', name: undefined },
    ]);
    assert.equal(c.kube?.priority, 7);
    assert.equal(c.kube?.usageIntervalMs, 30_000);
    const inCluster = run([], { UNITY_KUBE_IN_CLUSTER: '1', UNITY_KUBE_CLUSTER: 'edge-1' });
    assert.deepEqual([inCluster.kube?.inCluster, inCluster.kube?.clusterName], [true, 'edge-1']);
    assert.equal(run([]).kube?.kubeconfig, undefined);
    assert.equal(fail(['--kube-context', 'ctx=Not Valid']).source, '--kube-context');
    assert.equal(fail(['--kube-priority', '5000']).source, '--kube-priority');
    assert.equal(fail([], { UNITY_KUBE_CLUSTER: '-bad-' }).source, 'UNITY_KUBE_CLUSTER');
  });

  it('reads the node agent settings: its node from NODE_NAME (the downward API), the kubelet URL, usage only', () => {
    const d = run(['--kube-in-cluster', '--kube-usage-only'], {
      NODE_NAME: 'worker-1',
      UNITY_KUBELET_URL: 'https://10.0.0.7:10250',
      UNITY_KUBELET_INSECURE_TLS: '1',
    });
    assert.deepEqual(
      [d.kube?.nodeName, d.kube?.kubeletUrl, d.kube?.kubeletInsecureTls, d.kube?.usageOnly],
      ['worker-1', 'https://10.0.0.7:10250', true, true],
    );
    assert.equal(run(['--kube-node', 'a'], { NODE_NAME: 'b' }).kube?.nodeName, 'a');
    const plain = run([]);
    assert.deepEqual([plain.kube?.nodeName, plain.kube?.usageOnly], [undefined, false]);
    assert.equal(fail(['--kube-usage-only']).source, '--kube-usage-only', 'usage only needs a node');
    assert.equal(fail(['--kubelet-url', 'ftp://x']).source, '--kubelet-url');
    assert.equal(fail([], { NODE_NAME: 'Bad Node' }).source, 'NODE_NAME');
  });

  it('answers --help and --version before validating anything else', () => {
    assert.deepEqual(parseCli(['--help', '--hub', 'nope'], {}), { ok: true, value: { kind: 'help' } });
    assert.deepEqual(parseCli(['--version'], {}), { ok: true, value: { kind: 'version' } });
  });

  it('keeps AGENT_VERSION equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    assert.equal(AGENT_VERSION, pkg.version);
  });
});
