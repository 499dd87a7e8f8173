import { describe, expect, it } from 'vitest';
import { decodeClickId, encodeClickId } from '../../src/revenue/click-id';
import { buildClickUrl, CLICK_TEMPLATE_RULE, clickTemplateProblem, isValidClickTemplate } from '../../src/revenue/click-url';

describe('click ids', () => {
  const secret = 'test-secret';

  it('carry the click key and give it back only with the right secret', () => {
    const token = encodeClickId(secret, 123456);
    expect(token).toMatch(/^2n9c-[A-Za-z0-9_-]{16}$/);
    expect(decodeClickId(secret, token)).toBe(123456);
    expect(decodeClickId('other-secret', token)).toBeNull();
  });

  it('reject a forged signature, a changed key and malformed input', () => {
    const token = encodeClickId(secret, 42);
    const [key, signature] = token.split('-') as [string, string];
    expect(decodeClickId(secret, `${(43).toString(36)}-${signature}`)).toBeNull();
    expect(decodeClickId(secret, `${key}-${signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`)).toBeNull();
    for (const bad of ['', '-', '42', `${key}-short`, `${key}-${signature}x`, `0-${signature}`, '<script>-aaaaaaaaaaaaaaaa']) {
      expect(decodeClickId(secret, bad)).toBeNull();
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
