// The parameters every report route takes (page, CSV, JSON API), as one JSON schema, and the
// request they become. Defaults: the last 30 days up to today (UTC), per day, by site, page 1 of
// 100 lines (the CSV export takes the same parameters and ignores the page).
import type { ReportGrain, ReportGroupBy } from '../storage';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, REPORT_GRAINS, REPORT_GROUPS, dayText, type ReportRequest } from './reports';

export interface ReportQuerystring {
  grain?: ReportGrain;
  groupBy?: ReportGroupBy;
  from?: string;
  to?: string;
  site?: string;
  page?: number;
  pageSize?: number;
}

const DATE = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;

export const reportQuerystringSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    grain: { type: 'string', enum: [...REPORT_GRAINS], description: 'day, ISO week (from Monday) or calendar month, UTC; default day' },
    groupBy: { type: 'string', enum: [...REPORT_GROUPS], description: 'site, deal, category, city or sub (sub id); default site' },
    from: { ...DATE, description: 'first UTC day included, YYYY-MM-DD; default 29 days before `to`' },
    to: { ...DATE, description: 'last UTC day included, YYYY-MM-DD; default today' },
    site: { type: 'string', maxLength: 64, description: "only this site's rows (its slug); empty for every site" },
    page: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'page of lines, from 1; lines rank by commission in the main currency, then billable clicks, then period and group; default 1' },
    pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, description: `lines per page, at most ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}` },
  },
} as const;

export function reportRequest(query: ReportQuerystring, now: Date): ReportRequest {
  const to = query.to || now.toISOString().slice(0, 10);
  const toDay = Date.parse(`${to}T00:00:00Z`) / 86_400_000;
  const from = query.from || (Number.isNaN(toDay) ? to : dayText(toDay - 29));
  return {
    grain: query.grain ?? 'day', groupBy: query.groupBy ?? 'site', from, to, site: query.site ? query.site : null,
    page: query.page ?? 1, pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
  };
}
