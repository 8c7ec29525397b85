/**
 * A small, hand-checked alert history for tests of the analytics (hub unit tests and the
 * browser test): five firing episodes of two rules in the week of Monday 6 January 2025, one
 * outside the range, acknowledgements (one stale, after its episode resolved) and changes that
 * start no episode. The expected figures are worked out in the comments.
 * @module
 */
import type { Db } from '../../db/client.js';
import { alertAckLog, alertHistory } from '../../db/schema.js';

/** Monday 2025-01-06 00:00 UTC. */
export const WEEK_START = Date.parse('2025-01-06T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const SAMPLE_RULES = {
  cpu: { id: '11111111-1111-4111-8111-111111111111', name: 'CPU high' },
  disk: { id: '22222222-2222-4222-8222-222222222222', name: 'Disk, almost "full"' },
} as const;

export const SAMPLE_FINGERPRINTS = {
  web: 'aaaaaaaaaaaaaaa1',
  db: 'aaaaaaaaaaaaaaa2',
  nas: 'bbbbbbbbbbbbbbb1',
} as const;

/** The range the expected figures are for: the whole week. */
export const SAMPLE_RANGE = { from: WEEK_START, to: WEEK_START + 7 * DAY - 1 };

type Change = [
  at: number,
  fp: keyof typeof SAMPLE_FINGERPRINTS,
  from: string,
  to: string,
  value: number | null,
];

const rule = { web: SAMPLE_RULES.cpu, db: SAMPLE_RULES.cpu, nas: SAMPLE_RULES.disk } as const;
const labels = {
  web: { host: 'h1', container: 'web' },
  db: { host: 'h1', container: 'db' },
  nas: { host: 'nas', mount: '/srv' },
} as const;

const MON_9 = WEEK_START + 9 * HOUR;
const TUE_2330 = WEEK_START + DAY + 23.5 * HOUR;
const WED_10 = WEEK_START + 2 * DAY + 10 * HOUR;

/**
 * Episodes (start → ack, resolve):
 *   0  web  Sun 5 Jan 22:00      before the range: left out
 *   1  web  Mon 09:00 → +2 min, +10 min
 *   2  web  Mon 10:00 → +4 min, +30 min
 *   3  db   Mon 09:30 (pending since 09:00) → +6 min, +20 min
 *   4  nas  Tue 23:30 → none (the ack at +90 min came after its resolve at +60), +60 min
 *   5  nas  Wed 10:00 → +10 min, still firing
 * MTTA over 2, 4, 6, 10 min: mean 5.5, median 5, p90 8.8 min.
 * MTTR over 10, 20, 30, 60 min: mean 30, median 25, p90 51 min.
 */
const CHANGES: Change[] = [
  [WEEK_START - 2 * HOUR, 'web', 'inactive', 'firing', 95],
  [WEEK_START - HOUR, 'web', 'firing', 'resolved', 40],
  [MON_9, 'web', 'inactive', 'firing', 97],
  [MON_9, 'db', 'inactive', 'pending', 91],
  [MON_9 + 10 * MIN, 'web', 'firing', 'resolved', 50],
  [MON_9 + 30 * MIN, 'db', 'pending', 'firing', 93],
  [MON_9 + 50 * MIN, 'db', 'firing', 'resolved', 10],
  [MON_9 + HOUR, 'web', 'inactive', 'firing', 99.5],
  [MON_9 + HOUR + 5 * MIN, 'web', 'firing', 'error', null],
  [MON_9 + HOUR + 30 * MIN, 'web', 'error', 'resolved', null],
  [WEEK_START + DAY + 3 * HOUR, 'db', 'inactive', 'pending', 92],
  [WEEK_START + DAY + 3 * HOUR + MIN, 'db', 'pending', 'inactive', 20],
  [TUE_2330, 'nas', 'inactive', 'firing', 96],
  [TUE_2330 + HOUR, 'nas', 'firing', 'resolved', 80],
  [WED_10, 'nas', 'inactive', 'firing', 98],
];

const ACKS: [fp: keyof typeof SAMPLE_FINGERPRINTS, startsAt: number, at: number][] = [
  ['web', MON_9, MON_9 + 2 * MIN],
  ['web', MON_9 + HOUR, MON_9 + HOUR + 4 * MIN],
  ['db', MON_9 + 30 * MIN, MON_9 + 36 * MIN],
  ['nas', TUE_2330, TUE_2330 + 90 * MIN],
  ['nas', WED_10, WED_10 + 10 * MIN],
  // A second ack of the same episode does not change its MTTA.
  ['nas', WED_10, WED_10 + 20 * MIN],
];

/** Writes the sample into `db` (an empty, migrated database). */
export async function seedSampleHistory(db: Db): Promise<void> {
  await db.insert(alertHistory).values(
    CHANGES.map(([at, fp, from, to, value]) => ({
      at: new Date(at),
      fingerprint: SAMPLE_FINGERPRINTS[fp],
      ruleId: rule[fp].id,
      ruleName: rule[fp].name,
      labels: labels[fp],
      fromState: from,
      toState: to,
      value,
    })),
  );
  await db.insert(alertAckLog).values(
    ACKS.map(([fp, startsAt, at]) => ({
      fingerprint: SAMPLE_FINGERPRINTS[fp],
      alertStartsAt: new Date(startsAt),
      acknowledgedBy: 'ed',
      acknowledgedAt: new Date(at),
      comment: null,
      expiresAt: null,
    })),
  );
}
