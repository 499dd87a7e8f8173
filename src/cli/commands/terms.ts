// `dealnav terms`: a site's effective-dated commission terms.
import { resolveDbPath } from '../../config';
import { parseRate } from '../../revenue/commission';
import { formatMinor, parseExactAmount } from '../../revenue/money';
import { openStorage, type CommissionModel, type CommissionTerm } from '../../storage';
import { commonHelp, dbOption, stringValue, UsageError, type Command, type Values } from '../command';

const MODELS: CommissionModel[] = ['cps', 'cpa_sale', 'cpa_lead', 'cpc'];

export const termsCommand: Command = {
  name: 'terms',
  summary: "set or list a site's commission terms",
  help: `Usage:
  dealnav terms set SLUG --model cps --rate 8.5% [--from DATE] [--category SLUG] [--db PATH]
  dealnav terms set SLUG --model cpa_sale|cpa_lead|cpc --amount 5.00 --currency CNY [--from DATE] [--category SLUG]
  dealnav terms list SLUG [--db PATH]

set    adds a term from DATE on (YYYY-MM-DD is midnight UTC; or an ISO instant; default now). A term never
       rewrites the past: each conversion keeps the term in force when it happened. Of the sale models
       (cps, cpa_sale) the latest in force wins; a term for a deal category wins over one for every category.
         --model M        cps (percent of the sale), cpa_sale / cpa_lead (flat per sale / lead), cpc (per billable click)
         --rate R         CPS rate: 8.5% or 850bp (basis points; CPS rounds half-up to the minor unit)
         --amount A       flat amount in major units (5.00) for cpa_sale, cpa_lead and cpc
         --currency C     ISO 4217 code of --amount
         --category SLUG  only for deals of this portal category
list   prints the site's terms, oldest first.

${commonHelp.db}`,
  options: {
    ...dbOption, model: { type: 'string' }, rate: { type: 'string' }, amount: { type: 'string' }, currency: { type: 'string' },
    from: { type: 'string' }, category: { type: 'string' },
  },
  async run(values, positionals) {
    const [action, slug] = positionals;
    if (action !== 'set' && action !== 'list') throw new UsageError(action ? `unknown terms action '${action}'` : 'say set or list');
    if (!slug) throw new UsageError(`terms ${action} needs the site SLUG`);
    const storage = openStorage(resolveDbPath(stringValue(values, 'db')));
    try {
      const site = await storage.sites.findBySlug(slug);
      if (!site) throw new Error(`no site '${slug}' (dealnav site list)`);
      if (action === 'list') {
        const terms = await storage.revenue.listTerms(site.id);
        if (terms.length === 0) console.log(`no terms for ${slug} yet: its conversions earn nothing (dealnav terms set)`);
        for (const term of terms) console.log(describeTerm(term));
        return 0;
      }
      const term = await storage.revenue.addTerm({ siteId: site.id, ...termFrom(values), now: new Date() });
      console.log(`added ${describeTerm(term)}`);
      return 0;
    } finally {
      await storage.close();
    }
  },
};

function termFrom(values: Values) {
  const model = stringValue(values, 'model') as CommissionModel | undefined;
  if (!model || !MODELS.includes(model)) throw new UsageError(`--model must be one of ${MODELS.join(', ')}`);
  const effectiveFrom = parseFrom(stringValue(values, 'from'));
  const category = stringValue(values, 'category') ?? null;
  if (model === 'cps') {
    const rate = stringValue(values, 'rate');
    const rateBp = rate === undefined ? null : parseRate(rate);
    if (rateBp === null) throw new UsageError('--model cps needs --rate as a percentage with up to 2 decimals (8.5%) or basis points (850bp), at most 100%');
    return { model, effectiveFrom, category, rateBp, flatMinor: null, currency: null };
  }
  const currency = stringValue(values, 'currency')?.toUpperCase();
  const amount = stringValue(values, 'amount');
  if (!currency || !/^[A-Z]{3}$/.test(currency) || amount === undefined) throw new UsageError(`--model ${model} needs --amount (5.00) and --currency (CNY)`);
  const flatMinor = parseExactAmount(amount, currency);
  if (flatMinor === null) throw new UsageError(`--amount '${amount}' is not an exact amount of ${currency}`);
  return { model, effectiveFrom, category, rateBp: null, flatMinor, currency };
}

function parseFrom(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const at = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) throw new UsageError(`--from '${text}' is not a date (YYYY-MM-DD, midnight UTC) or an ISO instant`);
  return new Date(at);
}

function describeTerm(term: CommissionTerm): string {
  const price = term.model === 'cps'
    ? `${(term.rateBp! / 100).toFixed(2).replace(/\.?0+$/, '')}% of the sale (${term.rateBp}bp, half-up)`
    : `${formatMinor(term.flatMinor!, term.currency!)} ${term.currency} per ${term.model === 'cpc' ? 'billable click' : term.model === 'cpa_lead' ? 'lead' : 'sale'}`;
  return `#${term.id} from ${term.effectiveFrom.toISOString()}  ${term.model}  ${price}  ${term.category ? `category ${term.category}` : 'every category'}`;
}
