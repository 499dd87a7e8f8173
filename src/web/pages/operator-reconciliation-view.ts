// What the reconciliation pages show: the upload form's values from a mapping and back, problems
// as messages beside their fields, and import rows ready for a template.
import type { ReconciliationCategory, ReconciliationRow, ReportMapping } from '../../storage';
import { formatStatusWords, isValidTimeZone, parseStatusWords } from '../../revenue/reconciliation/mapping';
import type { ReportField, ReportProblem } from '../../revenue/reconciliation/report-error';
import type { MessageKey, Translator } from '../i18n';

/** The upload form's fields, all strings as posted. */
export interface UploadFields {
  site: string;
  encoding: ReportMapping['encoding'];
  delimiter: 'comma' | 'semicolon' | 'tab';
  orderIdColumn: string;
  clickIdColumn: string;
  amountColumn: string;
  amountUnit: ReportMapping['amountUnit'];
  currencyColumn: string;
  fixedCurrency: string;
  statusColumn: string;
  statusWords: string;
  orderTimeColumn: string;
  timeZone: string;
  /** Empty: every order is a sale. */
  kindColumn: string;
  periodFrom: string;
  periodTo: string;
}

const DELIMITERS: Record<UploadFields['delimiter'], ReportMapping['delimiter']> = { comma: ',', semicolon: ';', tab: '\t' };

export function fieldsFromMapping(site: string, mapping: ReportMapping): UploadFields {
  const delimiter = (Object.keys(DELIMITERS) as UploadFields['delimiter'][]).find((name) => DELIMITERS[name] === mapping.delimiter) ?? 'comma';
  return {
    site, encoding: mapping.encoding, delimiter,
    orderIdColumn: mapping.orderIdColumn, clickIdColumn: mapping.clickIdColumn, amountColumn: mapping.amountColumn,
    amountUnit: mapping.amountUnit, currencyColumn: mapping.currencyColumn ?? '', fixedCurrency: mapping.fixedCurrency,
    statusColumn: mapping.statusColumn, statusWords: formatStatusWords(mapping.statusWords),
    orderTimeColumn: mapping.orderTimeColumn, timeZone: mapping.timeZone, kindColumn: mapping.kindColumn ?? '', periodFrom: '', periodTo: '',
  };
}

/** The mapping the form describes, or the problems of the fields a schema cannot check. */
export function mappingFromFields(fields: UploadFields): { ok: true; mapping: ReportMapping } | { ok: false; problems: ReportProblem[] } {
  const problems: ReportProblem[] = [];
  const words = parseStatusWords(fields.statusWords);
  if (!words.ok) problems.push({ field: 'statusWords', code: 'bad_status_words', values: { line: words.line, value: words.text } });
  else if (Object.keys(words.words).length === 0) problems.push({ field: 'statusWords', code: 'required', values: {} });
  if (!isValidTimeZone(fields.timeZone.trim())) problems.push({ field: 'timeZone', code: 'bad_time_zone', values: { value: fields.timeZone } });
  if (problems.length > 0 || !words.ok) return { ok: false, problems };
  return {
    ok: true,
    mapping: {
      encoding: fields.encoding, delimiter: DELIMITERS[fields.delimiter],
      orderIdColumn: fields.orderIdColumn.trim(), clickIdColumn: fields.clickIdColumn.trim(), amountColumn: fields.amountColumn.trim(),
      amountUnit: fields.amountUnit, currencyColumn: fields.currencyColumn.trim() || null, fixedCurrency: fields.fixedCurrency.trim().toUpperCase(),
      statusColumn: fields.statusColumn.trim(), statusWords: words.words, orderTimeColumn: fields.orderTimeColumn.trim(), timeZone: fields.timeZone.trim(),
      kindColumn: (fields.kindColumn ?? '').trim() || null,
    },
  };
}

const PROBLEM_MESSAGES: Record<ReportProblem['code'], MessageKey> = {
  no_file: 'recon.error.noFile',
  too_large: 'recon.error.tooLarge',
  too_many_rows: 'recon.error.tooManyRows',
  bad_encoding: 'recon.error.badEncoding',
  bad_csv: 'recon.error.badCsv',
  line_too_long: 'recon.error.lineTooLong',
  empty_report: 'recon.error.emptyReport',
  missing_column: 'recon.error.missingColumn',
  bad_order_id: 'recon.error.badOrderId',
  duplicate_order: 'recon.error.duplicateOrder',
  bad_amount: 'recon.error.badAmount',
  bad_currency: 'recon.error.badCurrency',
  unknown_status: 'recon.error.unknownStatus',
  bad_time: 'recon.error.badTime',
  bad_status_words: 'recon.error.badStatusWords',
  bad_time_zone: 'recon.error.badTimeZone',
  bad_date: 'recon.error.badDate',
  required: 'recon.error.required',
  unknown_kind: 'recon.error.unknownKind',
};

/** Problems to messages per field; several on one field (bad amounts on lines 3 and 9) are all kept. */
export function problemMessages(problems: ReportProblem[], tr: Translator): Partial<Record<ReportField | 'form', string[]>> {
  const errors: Partial<Record<ReportField | 'form', string[]>> = {};
  for (const problem of problems) (errors[problem.field] ??= []).push(tr.t(PROBLEM_MESSAGES[problem.code], problem.values));
  return errors;
}

export const CATEGORIES: readonly ReconciliationCategory[] = ['mismatch', 'new', 'unknown_click', 'missing', 'matched'];

const CATEGORY_KEYS: Record<ReconciliationCategory, { heading: MessageKey; text: MessageKey }> = {
  mismatch: { heading: 'recon.category.mismatch', text: 'recon.category.mismatchText' },
  new: { heading: 'recon.category.new', text: 'recon.category.newText' },
  unknown_click: { heading: 'recon.category.unknownClick', text: 'recon.category.unknownClickText' },
  missing: { heading: 'recon.category.missing', text: 'recon.category.missingText' },
  matched: { heading: 'recon.category.matched', text: 'recon.category.matchedText' },
};

const STATUS_KEYS: Record<string, MessageKey> = {
  pending: 'recon.status.pending', approved: 'recon.status.approved', rejected: 'recon.status.rejected', reversed: 'recon.status.reversed',
};

const OUTCOME_KEYS: Record<string, MessageKey> = {
  applied: 'recon.outcome.applied', unchanged: 'recon.outcome.unchanged', refused: 'recon.outcome.refused', skipped: 'recon.outcome.skipped',
};

/** Rows shown per category at most; the count is always the whole category's. */
export const ROWS_SHOWN = { matched: 200, unknown_click: 1000, missing: 1000, mismatch: 100_000, new: 100_000 } as const;

export function categoryViews(rows: ReconciliationRow[], tr: Translator, timeZone: string) {
  return CATEGORIES.map((category) => {
    const inCategory = rows.filter((row) => row.category === category);
    return {
      category,
      heading: tr.t(CATEGORY_KEYS[category].heading),
      text: tr.t(CATEGORY_KEYS[category].text),
      count: inCategory.length,
      applicable: inCategory.filter((row) => row.applicable).length,
      hidden: Math.max(0, inCategory.length - ROWS_SHOWN[category]),
      rows: inCategory.slice(0, ROWS_SHOWN[category]).map((row) => rowView(row, tr, timeZone)),
    };
  });
}

function rowView(row: ReconciliationRow, tr: Translator, timeZone: string) {
  const money = (minor: number | null, currency: string | null) => (minor === null || currency === null ? '' : tr.money(minor, currency));
  const status = (value: string | null) => (value ? tr.t(STATUS_KEYS[value]!) : '');
  return {
    position: row.position,
    line: row.line,
    orderId: row.orderId,
    clickToken: row.clickToken ?? '',
    at: row.occurredAt ? tr.dateTime(row.occurredAt, timeZone) : '',
    reported: row.status ? `${status(row.status)} · ${money(row.amountMinor, row.currency)}${row.kind === 'lead' ? ` · ${tr.t('recon.kindLead')}` : ''}` : '',
    recorded: row.portalStatus ? `${status(row.portalStatus)} · ${money(row.portalAmountMinor, row.portalCurrency)}` : '',
    applicable: row.applicable,
    problem: row.problem,
    problemCode: row.problemCode,
    outcome: row.outcome ? tr.t(OUTCOME_KEYS[row.outcome]!) : '',
    outcomeKind: row.outcome,
    outcomeMessage: row.outcomeMessage,
  };
}
