import { describe, expect, it } from 'vitest';
import { canonicalFilter, digestQuery, parseFilter } from '../../src/alerts/alert-filter';
import { alertSettingsFromEnv, listenOrigin, publicOrigin } from '../../src/alerts/config';

describe('an alert filter', () => {
  it('has one spelling however the form sent it, and reads back as the same listing parameters', () => {
    const a = canonicalFilter({ q: '火锅', city: 'chengdu', site: ['b,a'], priceMax: '100' });
    const b = canonicalFilter({ site: ['b', 'a'], priceMax: '100', city: 'chengdu', q: '火锅', new: '0' });
    expect(a).toBe(b);
    expect(a).toBe('?city=chengdu&site=b&site=a&priceMax=100&q=%E7%81%AB%E9%94%85');
    expect(parseFilter(a)).toMatchObject({ city: 'chengdu', site: ['b', 'a'], priceMax: '100', q: '火锅', sort: 'newest', page: 1 });
    expect(canonicalFilter({})).toBe('');
  });

  it('searches the filter at or under the lower of its price bound and the ceiling, for deals first seen since the last digest', () => {
    const since = new Date('2026-01-01T00:00:00Z');
    const now = new Date('2026-01-02T00:00:00Z');
    const query = digestQuery(parseFilter('?city=chengdu&priceMax=150'), 9950, since, now, 30, 'en');
    expect(query).toMatchObject({ city: 'chengdu', priceMax: 9950, sort: 'newest', pageSize: 30, firstSeen: { after: since, until: now } });
    expect(digestQuery(parseFilter('?priceMax=80'), 9950, since, now, 30, 'zh-CN').priceMax).toBe(8000);
    expect(digestQuery(parseFilter(''), null, since, now, 30, 'zh-CN').priceMax).toBeUndefined();
  });

  it('compares the ceiling and price bounds with deals of one currency: the filter\'s, else its city\'s, else the subscriber\'s language\'s', () => {
    const since = new Date('2026-01-01T00:00:00Z');
    const now = new Date('2026-01-02T00:00:00Z');
    const currencyOf = (filter: string, locale: string) => digestQuery(parseFilter(filter), 10000, since, now, 30, locale).priceCurrency;
    expect(currencyOf('', 'zh-CN')).toBe('CNY');
    expect(currencyOf('', 'en')).toBe('USD');
    expect(currencyOf('?city=chengdu', 'en')).toBe('CNY');
    expect(currencyOf('?city=new-york', 'zh-CN')).toBe('USD');
    const named = canonicalFilter({ priceMax: '100', currency: 'HKD' });
    expect(named).toBe('?priceMax=100&currency=HKD');
    expect(currencyOf(named, 'zh-CN')).toBe('HKD');
    // Without a price bound the currency is not part of the filter: one spelling per filter.
    expect(canonicalFilter({ q: 'spa', currency: 'HKD' })).toBe('?q=spa');
  });
});

describe('alert settings', () => {
  it('reads the environment, with defaults', () => {
    expect(alertSettingsFromEnv({})).toEqual({ smtpUrl: null, from: 'dealnav <alerts@localhost>', publicUrl: null, digestHour: 8, timeZone: 'Asia/Shanghai' });
    expect(alertSettingsFromEnv({
      DEALNAV_SMTP_URL: 'smtp://127.0.0.1:2525', DEALNAV_MAIL_FROM: 'x <x@y.z>', DEALNAV_PUBLIC_URL: 'https://deals.example.com/',
      DEALNAV_ALERT_HOUR: '18', DEALNAV_ALERT_TIME_ZONE: 'UTC',
    })).toEqual({ smtpUrl: 'smtp://127.0.0.1:2525', from: 'x <x@y.z>', publicUrl: 'https://deals.example.com', digestHour: 18, timeZone: 'UTC' });
    expect(() => alertSettingsFromEnv({ DEALNAV_ALERT_HOUR: '24' })).toThrow(/DEALNAV_ALERT_HOUR/);
    expect(() => alertSettingsFromEnv({ DEALNAV_ALERT_TIME_ZONE: 'Mars/Olympus' })).toThrow(/DEALNAV_ALERT_TIME_ZONE/);
    expect(() => publicOrigin('javascript:alert(1)')).toThrow(/http/);
    expect(listenOrigin('::1', 3000)).toBe('http://[::1]:3000');
    expect(listenOrigin('0.0.0.0', 80)).toBe('http://127.0.0.1:80');
  });
});
