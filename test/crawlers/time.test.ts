import { describe, expect, it } from 'vitest';
import { isKnownTimeZone, parseFeedTime } from '../../crawlers/normalize/time';

const iso = (value: Parameters<typeof parseFeedTime>[0], options?: Parameters<typeof parseFeedTime>[1]) =>
  parseFeedTime(value, options)?.toISOString() ?? null;

describe('parseFeedTime', () => {
  it('reads 10-digit epoch seconds', () => {
    expect(iso('1287590400')).toBe('2010-10-20T16:00:00.000Z');
    expect(iso(1287590400)).toBe('2010-10-20T16:00:00.000Z');
  });

  it('reads 13-digit epoch milliseconds', () => {
    expect(iso('1287590400123')).toBe('2010-10-20T16:00:00.123Z');
  });

  it('subtracts the clock offset from epoch values only', () => {
    // FanWe writes Beijing wall-clock as if it were UTC: 8 h late.
    expect(iso('1287619200', { clockOffsetSeconds: 8 * 3600 })).toBe('2010-10-20T16:00:00.000Z');
    expect(iso('2010-10-21 00:00:00', { clockOffsetSeconds: 8 * 3600 })).toBe('2010-10-20T16:00:00.000Z');
  });

  it('reads 14-digit YYYYMMDDHHMMSS in the feed zone (Beijing by default)', () => {
    expect(iso('20111001083000')).toBe('2011-10-01T00:30:00.000Z');
    expect(iso('20111001083000', { timeZone: 'UTC' })).toBe('2011-10-01T08:30:00.000Z');
  });

  it.each(['201110010830001', '20111301000000', '20110230000000', '20111001250000', '20111001086000', '12345', '1234567890123456'])(
    'rejects the malformed digit string %s',
    (value) => {
      expect(parseFeedTime(value)).toBeNull();
    },
  );

  it('reads naive Y-m-d H:i:s, Y-m-d H:i and Y-m-d in the feed zone', () => {
    expect(iso('2011-05-10 00:00:00')).toBe('2011-05-09T16:00:00.000Z');
    expect(iso('2011-05-10 09:05')).toBe('2011-05-10T01:05:00.000Z');
    expect(iso('2011-05-10')).toBe('2011-05-09T16:00:00.000Z');
    expect(iso('2011-5-9 8:00:00')).toBe('2011-05-09T00:00:00.000Z');
    expect(iso('2011/05/10 12:00:00')).toBe('2011-05-10T04:00:00.000Z');
  });

  it('rejects impossible calendar dates', () => {
    expect(parseFeedTime('2011-02-29 00:00:00')).toBeNull();
    expect(parseFeedTime('2011-04-31')).toBeNull();
    expect(iso('2012-02-29')).toBe('2012-02-28T16:00:00.000Z');
  });

  it('keeps ISO 8601 offsets as given', () => {
    expect(iso('2018-05-02T07:00:00Z')).toBe('2018-05-02T07:00:00.000Z');
    expect(iso('2010-11-17T00:00:00+08:00')).toBe('2010-11-16T16:00:00.000Z');
    expect(iso('2010-11-17T00:00:00+0800')).toBe('2010-11-16T16:00:00.000Z');
    expect(iso('2018-05-02T07:00:00.250-07:00')).toBe('2018-05-02T14:00:00.250Z');
    expect(parseFeedTime('2018-02-30T00:00:00Z')).toBeNull();
  });

  it('handles DST in America/Los_Angeles', () => {
    const la = { timeZone: 'America/Los_Angeles' };
    expect(iso('2018-01-15 12:00:00', la)).toBe('2018-01-15T20:00:00.000Z'); // PST, UTC-8
    expect(iso('2018-07-15 12:00:00', la)).toBe('2018-07-15T19:00:00.000Z'); // PDT, UTC-7
    // The morning after the spring-forward night, and the evening before it.
    expect(iso('2018-03-11 03:00:00', la)).toBe('2018-03-11T10:00:00.000Z');
    expect(iso('2018-03-10 23:00:00', la)).toBe('2018-03-11T07:00:00.000Z');
    // After the fall-back night.
    expect(iso('2018-11-04 12:00:00', la)).toBe('2018-11-04T20:00:00.000Z');
  });

  it('treats empty, zero and garbage as absent', () => {
    for (const value of [null, undefined, '', '  ', '0', '0000000000', 0, 'tomorrow', '2011-05-10 25:00:00']) {
      expect(parseFeedTime(value)).toBeNull();
    }
  });
});

describe('isKnownTimeZone', () => {
  it('accepts IANA zones and rejects unknown ones', () => {
    expect(isKnownTimeZone('Asia/Shanghai')).toBe(true);
    expect(isKnownTimeZone('America/Los_Angeles')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
