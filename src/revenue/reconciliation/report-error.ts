// A problem with an uploaded report or its mapping, tied to the form field it is shown beside.
// `code` picks the message (recon.error.<code>); `values` fill it in (line, column, value).

export type ReportField =
  | 'report' | 'site' | 'encoding' | 'delimiter'
  | 'orderIdColumn' | 'clickIdColumn' | 'amountColumn' | 'amountUnit' | 'currencyColumn' | 'fixedCurrency'
  | 'statusColumn' | 'statusWords' | 'orderTimeColumn' | 'timeZone' | 'periodFrom' | 'periodTo' | 'kindColumn';

export type ReportProblemCode =
  | 'no_file' | 'too_large' | 'too_many_rows' | 'bad_encoding' | 'bad_csv' | 'line_too_long' | 'empty_report'
  | 'missing_column' | 'bad_order_id' | 'duplicate_order' | 'bad_amount' | 'bad_currency' | 'unknown_status'
  | 'bad_time' | 'bad_status_words' | 'bad_time_zone' | 'bad_date' | 'required' | 'unknown_kind';

export interface ReportProblem {
  field: ReportField;
  code: ReportProblemCode;
  values: Record<string, string | number>;
}

export class ReportError extends Error {
  readonly problem: ReportProblem;

  constructor(field: ReportField, code: ReportProblemCode, values: Record<string, string | number> = {}) {
    super(`reconciliation: ${code} (${field}) ${JSON.stringify(values)}`);
    this.problem = { field, code, values };
  }
}
