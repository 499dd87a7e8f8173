import { readFile } from 'node:fs/promises';
import { fetchFeed } from '../../../crawlers/fetch';
import { formatNames, parseFeedBytes } from '../../../crawlers/formats';
import type { FormatName, ParseResult } from '../../../crawlers/types';
import { crawlSettings, resolveAllowPrivate } from '../../config';
import { allowPrivateOption, commonHelp, stringValue, UsageError, type Command } from '../command';

const formats = ['auto', ...formatNames()];

export const parseCommand: Command = {
  name: 'parse',
  summary: 'parse a feed file or URL and print its deals (touches no database)',
  help: `Usage: dealnav parse FILE|URL [--format F] [--json] [--time-zone ZONE]

Reads one feed the way the crawler would and prints what it found. With --json, prints one JSON
document: { "format": ..., "deals": [deal records], "skipped": [{ "item": ..., "reason": ... }] }.
Input that is not a feed at all (an HTML error page, say) exits with status 1 and one line.
URLs go through the crawler's fetcher, limits and address guard.

  --format F                 ${formats.join(', ')}
                             (default auto: chosen by content)
  --json                     print the JSON document instead of a summary
  --time-zone ZONE           IANA zone for times without an offset (default Asia/Shanghai for Chinese formats)
${commonHelp.allowPrivate}`,
  options: { format: { type: 'string' }, json: { type: 'boolean' }, 'time-zone': { type: 'string' }, ...allowPrivateOption },
  async run(values, positionals) {
    const [source, ...extra] = positionals;
    if (!source || extra.length > 0) throw new UsageError('give exactly one FILE or URL');
    const format = stringValue(values, 'format') ?? 'auto';
    if (!formats.includes(format)) throw new UsageError(`unknown format '${format}' (use ${formats.join(', ')})`);
    const input = await readSource(source, resolveAllowPrivate(values['allow-private-network'] === true));
    const result = parseFeedBytes(input.bytes, input.contentType, format as FormatName | 'auto', {
      feedUrl: input.url, timeZone: stringValue(values, 'time-zone'),
    });
    console.log(values.json ? JSON.stringify(result, null, 2) : summarize(result));
    return 0;
  },
};

async function readSource(source: string, allowPrivateNetwork: boolean) {
  if (/^https?:\/\//i.test(source)) {
    const response = await fetchFeed(source, crawlSettings(allowPrivateNetwork).fetch);
    return { bytes: response.body, contentType: response.contentType, url: response.finalUrl };
  }
  try {
    return { bytes: new Uint8Array(await readFile(source)), contentType: null, url: undefined };
  } catch (error) {
    throw new Error(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function summarize(result: ParseResult): string {
  const lines = [`format: ${result.format}; ${result.deals.length} deals, ${result.skipped.length} skipped`];
  for (const deal of result.deals.slice(0, 20)) {
    lines.push(`  ${deal.externalId}  ${deal.priceMinor} ${deal.currency}  ${deal.city ?? (deal.nationwide ? 'nationwide' : '-')}  ${deal.title}`);
  }
  if (result.deals.length > 20) lines.push(`  … and ${result.deals.length - 20} more (use --json for all)`);
  for (const skipped of result.skipped) lines.push(`  skipped ${skipped.item}: ${skipped.reason}`);
  return lines.join('\n');
}
