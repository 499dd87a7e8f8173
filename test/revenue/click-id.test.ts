import { describe, expect, it } from 'vitest';
import { clickKeyOf, isSameClickId, newClickId } from '../../src/revenue/click-id';
import { buildClickUrl, CLICK_TEMPLATE_RULE, clickTemplateProblem, isValidClickTemplate } from '../../src/revenue/click-url';

describe('click ids', () => {
  it('carry the click key in base36 beside 16 characters that differ from id to id', () => {
    const ids = Array.from({ length: 2_000 }, () => newClickId(123456));
    for (const id of ids) {
      expect(id).toMatch(/^2n9c-[A-Za-z0-9_-]{16}$/);
      expect(clickKeyOf(id)).toBe(123456);
    }
    // 2,000 ids span several refills of the random pool; 96 random bits never repeat here.
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are only the same id when every character matches', () => {
    const id = newClickId(42);
    const [key, random] = id.split('-') as [string, string];
    expect(isSameClickId(id, id)).toBe(true);
    expect(isSameClickId(id, `${key}-${random.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`)).toBe(false);
    expect(isSameClickId(id, `${(43).toString(36)}-${random}`)).toBe(false);
    expect(isSameClickId(id, `${id}x`)).toBe(false);
    expect(isSameClickId(id, '')).toBe(false);
  });

  it('give no key for malformed input', () => {
    const [key, random] = newClickId(42).split('-') as [string, string];
    for (const bad of ['', '-', '42', `${key}-short`, `${key}-${random}x`, `0-${random}`, '<script>-aaaaaaaaaaaaaaaa', `zzzzzzzzzzzzz-${random}`]) {
      expect(clickKeyOf(bad), bad).toBeNull();
    }
  });
});

describe('click-out URLs', () => {
  const values = { clickId: '2n9c-abcdefghijklmnop', subId: 'home top' };

  it('add the click parameter to the deal URL, keeping its query', () => {
    expect(buildClickUrl('http://a.example/team.php?id=1', { clickParam: 'dnclick', clickTemplate: null }, values))
      .toBe('http://a.example/team.php?id=1&dnclick=2n9c-abcdefghijklmnop');
  });

  it('fill a template with encoded values after the verbatim URL', () => {
    expect(buildClickUrl('http://a.example/t?id=1', { clickParam: null, clickTemplate: '{url}&ref={clickId}&sub={subId}' }, values))
      .toBe('http://a.example/t?id=1&ref=2n9c-abcdefghijklmnop&sub=home%20top');
  });

  it('leave the URL untouched when the site takes no click id', () => {
    expect(buildClickUrl('http://a.example/t?id=1', { clickParam: null, clickTemplate: null }, values)).toBe('http://a.example/t?id=1');
  });

  it('accept only templates that start with the deal URL', () => {
    expect(isValidClickTemplate('{url}&ref={clickId}')).toBe(true);
    expect(isValidClickTemplate('http://evil.example/?to={url}')).toBe(false);
    expect(isValidClickTemplate('{url}&x={other}')).toBe(false);
    expect(() => buildClickUrl('http://a.example/', { clickParam: null, clickTemplate: 'http://evil.example/?u={url}' }, values)).toThrow();
  });

  it('accept {url} only when followed by the end, ?, & or #, naming the rule when refused', () => {
    for (const good of ['{url}', '{url}?ref={clickId}', '{url}&ref={clickId}&sub={subId}', '{url}#ref={clickId}']) {
      expect(clickTemplateProblem(good), good).toBeNull();
    }
    for (const bad of ['{url}@evil.example', '{url}.evil.example', '{url}:8080', '{url}/x', '{url}\\evil.example', 'x{url}']) {
      expect(isValidClickTemplate(bad), bad).toBe(false);
      expect(clickTemplateProblem(bad)).toBe(CLICK_TEMPLATE_RULE);
    }
    expect(CLICK_TEMPLATE_RULE).toContain('followed by ?, & or #');
  });

  it('refuse a built URL that leaves the deal URL\'s origin, whatever template made it', () => {
    // A template stored before the rule tightened: the deal URL without a path lets `@` move the host.
    const unsafe = (url: string, clickTemplate: string) => () => buildClickUrl(url, { clickParam: null, clickTemplate }, values);
    expect(unsafe('http://a.example', '{url}@evil.example/?c={clickId}')).toThrow(/another origin/);
    // `&` right after a host without a path becomes part of the host name.
    expect(unsafe('http://a.example', '{url}&ref={clickId}')).toThrow(/another origin/);
    expect(unsafe('http://a.example:8080', '{url}&ref={clickId}')).toThrow(/another origin/);
    try {
      unsafe('http://a.example', '{url}@evil.example')();
    } catch (error) {
      expect(error).toMatchObject({ statusCode: 500, code: 'DN_ERR_CLICK_URL_UNSAFE' });
    }
    expect(buildClickUrl('http://a.example', { clickParam: null, clickTemplate: '{url}?ref={clickId}' }, values))
      .toBe('http://a.example?ref=2n9c-abcdefghijklmnop');
    expect(buildClickUrl('http://a.example/t', { clickParam: null, clickTemplate: '{url}#{subId}' }, values)).toBe('http://a.example/t#home%20top');
  });
});
