// Every format dealnav reads, in the order auto-detection tries them.
import type { FeedFormat } from './format';
import { grouponFormat } from './groupon';
import { urlsetFormat } from './urlset';

export const feedFormats: readonly FeedFormat[] = [
  urlsetFormat,
  grouponFormat,
];
