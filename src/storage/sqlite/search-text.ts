// What the deal search index and the same-offer key are made of. Pure functions: SQLite calls
// them from triggers on `deals` (registered in database.ts), and deal-search.ts builds its
// FTS5 queries with the same rules, so a deal and a query are always cut the same way.
import { createHash } from 'node:crypto';
import categoryTable from '../../../data/categories.json';

const categoryLabels = new Map(categoryTable.categories.map((category) => [category.slug, `${category.zh} ${category.en}`]));

// Han, kana and hangul: scripts written without spaces, indexed as overlapping bigrams.
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
// What unicode61 would keep as one Latin-script (or digit) word.
const WORD = /[\p{L}\p{N}]+/gu;

/** The text a deal is found by: title, merchant name and its category's zh and en labels. */
export function searchableText(title: string | null, merchant: string | null, category: string | null): string {
  return [title, merchant, category ? categoryLabels.get(category) ?? category : null]
    .filter((part): part is string => Boolean(part))
    .join(' ')
    .normalize('NFKC');
}

/** Overlapping character pairs of each CJK run (`川味火锅` → `川味 味火 火锅`); a one-character run stays as is. */
export function cjkBigrams(text: string): string[] {
  const grams: string[] = [];
  for (const [run] of text.matchAll(CJK_RUN)) {
    const chars = [...run];
    if (chars.length === 1) grams.push(run);
    for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i]! + chars[i + 1]!);
  }
  return grams;
}

/** The text with every CJK run blanked out, so unicode61 sees only the spaced words. */
export const nonCjkWords = (text: string): string => text.replace(CJK_RUN, ' ');

/**
 * An FTS5 expression over the `words` and `bigrams` columns of deal_search for what a shopper
 * typed, or null when it holds nothing searchable. Every part must match (AND):
 * a CJK run of 2+ characters is a phrase of its bigrams, so it matches that exact substring
 * anywhere inside a word; a single CJK character matches as a bigram prefix; a Latin word or
 * number matches as a word prefix. Only letters and digits reach the expression, quoted, so a
 * query can never use FTS5 syntax.
 */
export function ftsQuery(q: string): string | null {
  const text = q.normalize('NFKC');
  const parts: string[] = [];
  for (const [run] of text.matchAll(CJK_RUN)) {
    const chars = [...run];
    if (chars.length === 1) parts.push(`bigrams : "${run}" *`);
    else parts.push(`bigrams : "${cjkBigrams(run).join(' ')}"`);
  }
  for (const [word] of nonCjkWords(text).matchAll(WORD)) parts.push(`words : "${word.toLowerCase()}" *`);
  return parts.length ? parts.join(' AND ') : null;
}

// Words that dress a title up without saying what is sold; stripped before titles are compared.
const CJK_FILLER = /仅售|只售|仅需|只需|价值|原价|市场价|门市价|团购价|特价|限时|抢购|超值|包邮|元/gu;
const LATIN_FILLER = /\b(?:rmb|cny|usd|only|just|worth|value|was|now|off|deal|for|the|a|an)\b/gu;

function normalisedName(text: string): string {
  return text.normalize('NFKC').toLowerCase()
    .replace(/[(（[【][^)）\]】]*[)）\]】]/gu, '') // a branch in brackets: 蜀香火锅(春熙路店)
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * The same-offer key: deals from different sites with the same key (and similar prices, see
 * deal-search.ts) are one offer. The key is the place (city code, or `*` for nationwide), the
 * currency, and the merchant's name without punctuation or a bracketed branch when the feed gives
 * one; otherwise the title stripped of numbers, prices, punctuation and filler words (仅售, 价值,
 * 元, "only", "worth" …). Null when the deal has no place or nothing distinctive is left.
 */
export function offerKey(city: string | null, nationwide: number, currency: string, merchant: string | null, title: string): string | null {
  const place = nationwide ? '*' : city;
  if (!place) return null;
  const merchantName = merchant ? normalisedName(merchant) : '';
  if (merchantName.length >= 2) return `${place}|${currency}|m:${merchantName}`;
  const titleCore = title.normalize('NFKC').toLowerCase()
    .replace(/[(（[【][^)）\]】]*[)）\]】]/gu, ' ')
    .replace(/[¥￥$€£]?\d+(?:[.,]\d+)*/gu, ' ')
    .replace(CJK_FILLER, ' ')
    .replace(LATIN_FILLER, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, '');
  return [...titleCore].length >= 2 ? `${place}|${currency}|t:${titleCore}` : null;
}

/** The public id of an offer group: short, stable, and without the merchant's name in it. */
export const offerGroupId = (key: string): string => createHash('sha256').update(key).digest('base64url').slice(0, 12);
