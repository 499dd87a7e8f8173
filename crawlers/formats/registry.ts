// Every format dealnav reads, in the order auto-detection tries them.
import { atomFormat } from './atom';
import type { FeedFormat } from './format';
import { goods360Format } from './goods360';
import { grouponFormat } from './groupon';
import { htmlSelectorsFormat } from './html-selectors';
import { jsonFeedFormat } from './jsonfeed';
import { jsonLdFormat } from './jsonld';
import { meituanFormat } from './meituan';
import { rssFormat } from './rss';
import { sohuFormat } from './sohu';
import { urlsetFormat } from './urlset';

export const feedFormats: readonly FeedFormat[] = [
  urlsetFormat,
  grouponFormat,
  goods360Format,
  sohuFormat,
  meituanFormat,
  rssFormat,
  atomFormat,
  jsonFeedFormat,
  // jsonld before html: a page with structured data is read from it, not through selectors.
  jsonLdFormat,
  htmlSelectorsFormat,
];
