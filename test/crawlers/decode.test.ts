import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeFeedBytes } from '../../crawlers/decode';
import { feedFixtureBytes } from '../helpers/feed-fixtures';

const utf8 = (text: string) => new TextEncoder().encode(text);
// "中文" in GBK.
const GBK_ZHONGWEN = [0xd6, 0xd0, 0xce, 0xc4];
const ascii = (text: string) => Array.from(text, (character) => character.charCodeAt(0));

describe('decodeFeedBytes', () => {
  it('reads GBK bytes whose prolog claims utf-8 as GB18030', () => {
    const { text, charset } = decodeFeedBytes(feedFixtureBytes('hao123-gbk-declared-utf8.xml'), 'text/xml; charset=utf-8');
    expect(charset).toBe('gb18030');
    expect(text).toContain('<title>喆记茶餐厅：仅售45元！价值100元的粤式早茶双人套餐</title>');
    expect(text).toContain('<city>广州</city>');
  });

  it('uses UTF-8 for valid UTF-8 bytes even when header and prolog say gbk', () => {
    const bytes = utf8('<?xml version="1.0" encoding="gbk"?><urlset><title>北京</title></urlset>');
    expect(decodeFeedBytes(bytes, 'text/html; charset=GBK')).toEqual({
      text: '<?xml version="1.0" encoding="gbk"?><urlset><title>北京</title></urlset>',
      charset: 'utf-8',
    });
  });

  it('strips a UTF-8 byte-order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('<urlset/>')]);
    expect(decodeFeedBytes(bytes)).toEqual({ text: '<urlset/>', charset: 'utf-8' });
  });

  it('decodes UTF-16 with a byte-order mark', () => {
    const bytes = new Uint8Array([0xff, 0xfe, ...Buffer.from('<a>中</a>', 'utf16le')]);
    expect(decodeFeedBytes(bytes)).toEqual({ text: '<a>中</a>', charset: 'utf-16le' });
  });

  it('follows a non-UTF-8 header label for non-UTF-8 bytes (big5)', () => {
    // "中文" in Big5.
    const bytes = new Uint8Array([...ascii('<a>'), 0xa4, 0xa4, 0xa4, 0xe5, ...ascii('</a>')]);
    expect(decodeFeedBytes(bytes, 'application/xml; charset="Big5"')).toEqual({ text: '<a>中文</a>', charset: 'big5' });
  });

  it('follows the XML prolog when the header names no charset', () => {
    const bytes = new Uint8Array([...ascii('<?xml version="1.0" encoding=\'big5\'?><a>'), 0xa4, 0xa4, ...ascii('</a>')]);
    expect(decodeFeedBytes(bytes, 'text/xml').charset).toBe('big5');
  });

  it('follows an HTML meta charset and maps gb2312 to GB18030', () => {
    const bytes = new Uint8Array([...ascii('<html><meta charset="gb2312"><p>'), ...GBK_ZHONGWEN, ...ascii('</p>')]);
    expect(decodeFeedBytes(bytes, null)).toEqual({ text: '<html><meta charset="gb2312"><p>中文</p>', charset: 'gb18030' });
  });

  it('falls back to GB18030 for unknown labels without throwing', () => {
    const bytes = new Uint8Array([...ascii('<?xml version="1.0" encoding="x-made-up"?><a>'), ...GBK_ZHONGWEN, ...ascii('</a>')]);
    expect(decodeFeedBytes(bytes, 'text/xml; charset=ISO-88509-1')).toEqual({
      text: '<?xml version="1.0" encoding="x-made-up"?><a>中文</a>',
      charset: 'gb18030',
    });
  });

  it('does not trust a utf-8 label over bytes that are not UTF-8', () => {
    const bytes = new Uint8Array([...ascii('<a>'), ...GBK_ZHONGWEN, ...ascii('</a>')]);
    expect(decodeFeedBytes(bytes, 'text/xml; charset=utf-8')).toEqual({ text: '<a>中文</a>', charset: 'gb18030' });
  });
});

describe('charsetFromContentType', () => {
  it('reads the charset parameter', () => {
    expect(charsetFromContentType('text/xml; charset=GBK')).toBe('GBK');
    expect(charsetFromContentType('text/xml;charset="utf-8"')).toBe('utf-8');
    expect(charsetFromContentType('text/xml; charset=utf-8,gbk')).toBe('utf-8');
    expect(charsetFromContentType('text/xml')).toBeNull();
    expect(charsetFromContentType(null)).toBeNull();
  });
});
