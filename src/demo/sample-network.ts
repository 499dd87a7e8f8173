// The demo's three sample group-buy sites: a Chinese hao123 feed in UTF-8, another in GBK, and
// an English Groupon-style JSON feed, each on its own loopback port.
import { harborDeals, haotuanDeals, letuanDeals } from './sample-deals';
import { startSampleSite, type RunningSampleSite, type SampleSiteSpec } from './sample-site';

export const sampleSiteSpecs: SampleSiteSpec[] = [
  { slug: 'letuan', name: '乐团网', kind: 'hao123-utf8', clickParams: ['dnclick'], colour: '#c0392b', deals: letuanDeals },
  { slug: 'haotuan', name: '好团网', kind: 'hao123-gbk', clickParams: ['cid'], colour: '#d35400', deals: haotuanDeals },
  { slug: 'harbor-deals', name: 'Harbor Deals', kind: 'groupon', clickParams: ['clickid'], colour: '#1abc9c', deals: harborDeals },
];

/** How each sample site takes the click id: a plain parameter, or a template with the placement. */
export const sampleClickRules: Record<string, { clickParam?: string; clickTemplate?: string }> = {
  letuan: { clickParam: 'dnclick' },
  haotuan: { clickTemplate: '{url}&from=dealnav&cid={clickId}&sub={subId}' },
  'harbor-deals': { clickParam: 'clickid' },
};

export async function startSampleNetwork(host = '127.0.0.1'): Promise<RunningSampleSite[]> {
  return Promise.all(sampleSiteSpecs.map((spec) => startSampleSite(spec, host)));
}
