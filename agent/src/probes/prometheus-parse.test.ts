/**
 * Golden tests of the exposition parser over recorded expositions kept in
 * testing/exposition/ (the text format's and OpenMetrics' own examples, with escapes,
 * histograms, summaries, exemplars and timestamps), and a malformed one with its line number.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { selectSamples } from './prometheus.js';
import { type Exposition, familyOf, parseExposition } from './prometheus-parse.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./testing/exposition/${name}`, import.meta.url), 'utf8');

function parsed(name: string, format: 'text' | 'openmetrics'): Exposition {
  const result = parseExposition(fixture(name), format);
  if (!result.ok) assert.fail(`line ${result.error.line}: ${result.error.message}`);
  return result.value;
}

/** `name{k="v",…} value [ts]` with the labels in the exposition's order, for one-line goldens. */
const line = (s: Exposition['samples'][number]) =>
  `${s.name}${Object.keys(s.labels).length ? JSON.stringify(s.labels) : ''} ${s.value}${s.ts === undefined ? '' : ` @${s.ts}`}`;

describe('text exposition format', () => {
  const x = parsed('text-format.prom', 'text');

  it('reads every sample in order, with escapes, timestamps and special values', () => {
    assert.deepEqual(x.samples.map(line), [
      'http_requests_total{"method":"post","code":"200"} 1027 @1395066363000',
      'http_requests_total{"method":"post","code":"400"} 3 @1395066363000',
      'msdos_file_access_time_seconds{"path":"C:\\\\DIR\\\\FILE.TXT","error":"Cannot find file:\\n\\"FILE.TXT\\""} 1458255915',
      'metric_without_timestamp_and_labels 12.47',
      'something_weird{"problem":"division by zero"} Infinity @-3982045',
      'go_memstats_heap_alloc_bytes 4200000',
      'http_request_duration_seconds_bucket{"le":"0.05"} 24054',
      'http_request_duration_seconds_bucket{"le":"0.1"} 33444',
      'http_request_duration_seconds_bucket{"le":"0.2"} 100392',
      'http_request_duration_seconds_bucket{"le":"+Inf"} 144320',
      'http_request_duration_seconds_sum 53423',
      'http_request_duration_seconds_count 144320',
      'rpc_duration_seconds{"quantile":"0.01"} 3102',
      'rpc_duration_seconds{"quantile":"0.5"} 4773',
      'rpc_duration_seconds{"quantile":"0.99"} NaN',
      'rpc_duration_seconds_sum 17560473',
      'rpc_duration_seconds_count 2693',
      'indented_gauge{"a":"x y"} -Infinity',
    ]);
  });

  it('unescapes label values to the real characters', () => {
    const msdos = x.samples.find((s) => s.name === 'msdos_file_access_time_seconds');
    assert.equal(msdos?.labels.path, 'C:\\DIR\\FILE.TXT');
    assert.equal(msdos?.labels.error, 'Cannot find file:\n"FILE.TXT"');
  });

  it('keeps HELP (unescaped) and TYPE per family, and maps bucket/sum/count to their family', () => {
    assert.deepEqual(x.families.get('http_requests_total'), {
      help: 'The total number of HTTP requests.\nSplit over two lines \\ with a backslash.',
      type: 'counter',
    });
    assert.equal(x.families.get('http_request_duration_seconds')?.type, 'histogram');
    assert.equal(x.families.get('rpc_duration_seconds')?.type, 'summary');
    assert.equal(
      familyOf('http_request_duration_seconds_bucket', x.families),
      'http_request_duration_seconds',
    );
    assert.equal(familyOf('rpc_duration_seconds_count', x.families), 'rpc_duration_seconds');
  });
});

describe('OpenMetrics', () => {
  const x = parsed('openmetrics.om', 'openmetrics');

  it('reads samples with seconds timestamps as milliseconds and skips exemplars', () => {
    assert.deepEqual(x.samples.map(line), [
      'acme_http_router_request_seconds_sum{"path":"/api/v1","method":"GET"} 9036.32',
      'acme_http_router_request_seconds_count{"path":"/api/v1","method":"GET"} 807283',
      'acme_http_router_request_seconds_created{"path":"/api/v1","method":"GET"} 1605281325',
      'go_goroutines 69',
      'process_cpu_seconds_total 4200722.46',
      'foo_bucket{"le":"0.01"} 0',
      'foo_bucket{"le":"0.1"} 8',
      'foo_bucket{"le":"1"} 11',
      'foo_bucket{"le":"10"} 17',
      'foo_bucket{"le":"+Inf"} 17',
      'foo_count 17',
      'foo_sum 324789.3',
      'foo_created 1520430000.123',
      'build_info{"version":"1.2.3","quote":"a \\"quoted\\" \\\\ value"} 1 @1520879607789',
    ]);
  });

  it('keeps UNIT and TYPE, and finds the family of _total, _created and _info samples', () => {
    assert.deepEqual(x.families.get('acme_http_router_request_seconds'), {
      type: 'summary',
      unit: 'seconds',
      help: "Latency though all of ACME's HTTP request router.",
    });
    assert.equal(familyOf('process_cpu_seconds_total', x.families), 'process_cpu_seconds');
    assert.equal(familyOf('foo_created', x.families), 'foo');
    assert.equal(familyOf('build_info', x.families), 'build');
    assert.equal(x.families.get('build')?.type, 'info');
  });

  it('requires # EOF, and nothing after it', () => {
    assert.deepEqual(parseExposition(fixture('no-eof.om'), 'openmetrics'), {
      ok: false,
      error: { line: 2, message: 'OpenMetrics exposition without # EOF' },
    });
    assert.deepEqual(parseExposition('up 1\n# EOF\nup 2\n', 'openmetrics'), {
      ok: false,
      error: { line: 3, message: 'text after # EOF' },
    });
  });
});

describe('malformed expositions', () => {
  it('names the first bad line by its number', () => {
    assert.deepEqual(parseExposition(fixture('malformed.prom'), 'text'), {
      ok: false,
      error: { line: 6, message: "expected ',' or '}' at column 20" },
    });
  });

  it('refuses bad values, escapes, timestamps and duplicate labels', () => {
    const bad = (text: string) => {
      const r = parseExposition(text, 'text');
      return r.ok ? 'ok' : `${r.error.line}: ${r.error.message}`;
    };
    assert.equal(bad('a 1\nb 0x10\n'), '2: bad value "0x10"');
    assert.equal(bad('a{x="\\t"} 1\n'), '1: bad escape \\t in a label value');
    assert.equal(bad('a 1 12.5\n'), '1: bad timestamp "12.5"');
    assert.equal(bad('a{x="1",x="2"} 1\n'), '1: label x given twice');
    assert.equal(bad('# TYPE a sometype\n'), '1: unknown metric type "sometype"');
    assert.equal(bad('a{x="1"}1\n'), '1: expected a space before the value at column 9');
    // Exemplars are OpenMetrics only.
    assert.equal(bad('a 1 # {x="1"} 2\n'), '1: unexpected text at column 5');
  });
});

describe('allow-list and cap', () => {
  const x = parsed('text-format.prom', 'text');

  it('keeps names matching the anchored regex and labels matching every matcher', () => {
    const s = selectSamples(x.samples, {
      metrics: 'http_request.*',
      labels: { method: 'post', code: '2..' },
      maxSeries: 100,
    });
    assert.deepEqual(s.samples.map(line), [
      'http_requests_total{"method":"post","code":"200"} 1027 @1395066363000',
    ]);
    assert.equal(s.matched, 1);
    // Anchored: `duration` alone matches nothing.
    assert.equal(selectSamples(x.samples, { metrics: 'duration', labels: {}, maxSeries: 100 }).matched, 0);
  });

  it('keeps the first N in order over the cap, counts the rest and the non-finite values', () => {
    const s = selectSamples(x.samples, { metrics: '.*', labels: {}, maxSeries: 5 });
    assert.equal(s.matched, 18);
    assert.equal(s.nonFinite, 3);
    assert.equal(s.samples.length, 5);
    assert.equal(s.dropped, 10);
    assert.deepEqual(
      s.samples.map((x) => x.name),
      [
        'http_requests_total',
        'http_requests_total',
        'msdos_file_access_time_seconds',
        'metric_without_timestamp_and_labels',
        'go_memstats_heap_alloc_bytes',
      ],
    );
  });
});
