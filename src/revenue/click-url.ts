// Builds the click-out URL: the deal's stored URL with the site's click-id parameter or template applied.

export interface ClickUrlRule {
  clickParam: string | null;
  clickTemplate: string | null;
}

export interface ClickUrlValues {
  clickId: string;
  subId: string | null;
}

/**
 * With a template (`{url}&ref={clickId}&sub={subId}`), placeholders are filled with URL-encoded
 * values, and `{url}` with the deal URL verbatim; otherwise the click id is added as `clickParam`.
 * The result always starts from the stored deal URL, so /go can never point anywhere else.
 */
export function buildClickUrl(dealUrl: string, rule: ClickUrlRule, values: ClickUrlValues): string {
  if (rule.clickTemplate) return applyTemplate(dealUrl, rule.clickTemplate, values);
  if (!rule.clickParam) return dealUrl;
  const url = new URL(dealUrl);
  url.searchParams.set(rule.clickParam, values.clickId);
  return url.toString();
}

function applyTemplate(dealUrl: string, template: string, values: ClickUrlValues): string {
  const filled = template.replace(/\{(url|clickId|subId)\}/g, (_, name: string) => {
    if (name === 'url') return dealUrl;
    return encodeURIComponent(name === 'clickId' ? values.clickId : values.subId ?? '');
  });
  // A template must keep the deal URL as its start; anything else would make /go an open redirect.
  if (!filled.startsWith(dealUrl)) {
    throw new Error('revenue: a click template must start with {url}');
  }
  return filled;
}

/** True when a template is acceptable for registration: it starts with `{url}` and only uses known placeholders. */
export function isValidClickTemplate(template: string): boolean {
  return template.startsWith('{url}') && !/\{(?!url\}|clickId\}|subId\})/.test(template);
}
