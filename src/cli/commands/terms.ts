// `dealnav terms`: a site's effective-dated commission terms.
import { AuditService } from '../../accounts/audit';
import { resolveDbPath } from '../../config';
import { formatMinor } from '../../revenue/money';
import { COMMISSION_MODELS, parseTermText, type ParsedTerm, type TermProblem } from '../../revenue/term-input';
import { CommissionTermService } from '../../revenue/term-service';
import { openStorage, type CommissionTerm } from '../../storage';
import { commonHelp, dbOption, stringValue, UsageError, type Command, type Values } from '../command';

export const termsCommand: Command = {
  name: 'terms',
  summary: "set or list a site's commission terms",
  help: `Usage:
  dealnav terms set SLUG --model cps --rate 8.5% [--from DATE] [--category SLUG] [--db PATH]
  dealnav terms set SLUG --model cpa_sale|cpa_lead|cpc --amount 5.00 --currency CNY [--from DATE] [--category SLUG]
  dealnav terms list SLUG [--db PATH]

set    adds a term from DATE on (YYYY-MM-DD is midnight UTC; or an ISO instant; default now), never inside
       or before a closed statement month. A term never
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
      const result = await new CommissionTermService(storage, new AuditService(storage.auditLog)).add(site.id, termFrom(values), null);
      if (!result.ok) {
        throw new UsageError(`--from must be on or after ${result.earliest.toISOString()}: ${result.closedPeriod} is closed and its statement frozen`);
      }
      console.log(`added ${describeTerm(result.term)}`);
      return 0;
    } finally {
      await storage.close();
    }
  },
};

const PROBLEMS: Record<TermProblem, string> = {
  modelUnknown: `--model must be one of ${COMMISSION_MODELS.join(', ')}`,
  rateInvalid: '--model cps needs --rate as a percentage with up to 2 decimals (8.5%) or basis points (850bp), at most 100%',
  currencyInvalid: 'this model needs --amount (5.00) and --currency (CNY)',
  amountInvalid: '--amount must be an exact amount of --currency (5.00)',
  fromInvalid: '--from must be a date (YYYY-MM-DD, midnight UTC) or an ISO instant',
  categoryInvalid: '--category must be a portal category slug (letters, digits, - and _)',
};

function termFrom(values: Values): ParsedTerm {
  const parsed = parseTermText({
    model: stringValue(values, 'model'), rate: stringValue(values, 'rate'), amount: stringValue(values, 'amount'),
    currency: stringValue(values, 'currency'), from: stringValue(values, 'from'), category: stringValue(values, 'category'),
  }, new Date());
  if (!parsed.ok) throw new UsageError(PROBLEMS[parsed.problem]);
  return parsed.term;
}

function describeTerm(term: CommissionTerm): string {
  const price = term.model === 'cps'
    ? `${(term.rateBp! / 100).toFixed(2).replace(/\.?0+$/, '')}% of the sale (${term.rateBp}bp, half-up)`
    : `${formatMinor(term.flatMinor!, term.currency!)} ${term.currency} per ${term.model === 'cpc' ? 'billable click' : term.model === 'cpa_lead' ? 'lead' : 'sale'}`;
  return `#${term.id} from ${term.effectiveFrom.toISOString()}  ${term.model}  ${price}  ${term.category ? `category ${term.category}` : 'every category'}`;
}
