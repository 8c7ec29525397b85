import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seriesCsv } from './export.js';

describe('seriesCsv', () => {
  it('writes a header and one CRLF line per point', () => {
    const csv = seriesCsv('1h', [
      { t: 0, cpuPercent: 1.5, cpuPercentMax: 2 },
      { t: 3600_000, cpuPercent: 3, cpuPercentMax: 4 },
    ]);
    assert.equal(
      csv,
      'resolution,t,time,cpuPercent,cpuPercentMax\r\n' +
        '1h,0,1970-01-01T00:00:00.000Z,1.5,2\r\n' +
        '1h,3600000,1970-01-01T01:00:00.000Z,3,4\r\n',
    );
  });

  it('writes only the header for an empty series', () => {
    assert.equal(seriesCsv('raw', []), 'resolution,t,time\r\n');
  });
});
