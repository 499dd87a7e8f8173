// Every format dealnav reads, in the order auto-detection tries them.
import type { FeedFormat } from './format';
import { goods360Format } from './goods360';
import { grouponFormat } from './groupon';
import { meituanFormat } from './meituan';
import { sohuFormat } from './sohu';
import { urlsetFormat } from './urlset';

export const feedFormats: readonly FeedFormat[] = [
  urlsetFormat,
  grouponFormat,
  goods360Format,
  sohuFormat,
  meituanFormat,
];
