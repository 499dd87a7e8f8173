// City names from feeds ("北京", "北京市", "Seattle", "new-york", "全国") to the portal's city
// codes in data/cities.json. Unknown names are kept (cleaned) rather than dropped, so a new
// city still shows up and can be added to the table later.
import cityTable from '../../data/cities.json';

export interface CityMatch {
  /** Code from the table, the cleaned name when unknown, null when nationwide or absent. */
  code: string | null;
  nationwide: boolean;
  /** The feed's text, trimmed; null when it was empty. */
  raw: string | null;
}

interface CityEntry {
  code: string;
  zh: string;
  en: string;
  aliases: string[];
}

/** 省/市/区/县 suffixes, stripped only when two characters remain: 朝阳区 → 朝阳, but 沙县 stays. */
const ADMINISTRATIVE_SUFFIX = /(?<=..)(?:特别行政区|自治州|地区|[市区县省])$/u;
/** "广东省广州市" names the province first; the city follows it. */
const PROVINCE_PREFIX = /^[^省]{2,}省(?=..)/u;

const codeByName = buildIndex(cityTable.cities);
const nationwideNames = new Set(cityTable.nationwide.map(matchKey));

export function normalizeCity(raw: string | null | undefined): CityMatch {
  const trimmed = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (trimmed === '') return { code: null, nationwide: false, raw: null };
  if (nationwideNames.has(matchKey(trimmed))) return { code: null, nationwide: true, raw: trimmed };

  const cleaned = trimmed.replace(PROVINCE_PREFIX, '').replace(ADMINISTRATIVE_SUFFIX, '');
  const code = codeByName.get(matchKey(trimmed)) ?? codeByName.get(matchKey(cleaned)) ?? cleaned;
  return { code, nationwide: false, raw: trimmed };
}

const knownCodes = new Set(cityTable.cities.map((city) => city.code));

/** True for a code from the table; false for an unknown name normalizeCity kept as it was. */
export const isKnownCityCode = (code: string): boolean => knownCodes.has(code);

/** Case, width, spaces and punctuation do not matter: "New York" = "new-york" = "NEWYORK". */
function matchKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s\-_'’.,·]/g, '');
}

function buildIndex(cities: readonly CityEntry[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const city of cities) {
    for (const name of [city.code, city.zh, city.en, ...city.aliases]) {
      const key = matchKey(name);
      // First entry wins, so the table's order settles a shared name.
      if (!index.has(key)) index.set(key, city.code);
    }
  }
  return index;
}
