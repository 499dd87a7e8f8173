// Builds the click-out URL: the deal's stored URL with the site's click-id parameter or template applied.
import { RevenueError } from './errors';

export interface ClickUrlRule {
  clickParam: string | null;
  clickTemplate: string | null;
}

export interface ClickUrlValues {
  clickId: string;
  subId: string | null;
}

/** What a template must look like, in the words every refusal uses. */
export const CLICK_TEMPLATE_RULE =
  'a click template must start with {url} followed by ?, & or # (or nothing), and use only {url}, {clickId} and {subId}';

/**
 * With a template (`{url}&ref={clickId}&sub={subId}`), placeholders are filled with URL-encoded
 * values, and `{url}` with the deal URL verbatim; otherwise the click id is added as `clickParam`.
 * The result must keep the deal URL's origin (scheme, host and port, as WHATWG URL reads them), or
 * it is refused: /go never sends a shopper anywhere the deal URL does not point.
 */
export function buildClickUrl(dealUrl: string, rule: ClickUrlRule, values: ClickUrlValues): string {
  if (rule.clickTemplate) return keepsOrigin(dealUrl, applyTemplate(dealUrl, rule.clickTemplate, values));
  if (!rule.clickParam) return dealUrl;
  const url = new URL(dealUrl);
  url.searchParams.set(rule.clickParam, values.clickId);
  return url.toString();
}

function applyTemplate(dealUrl: string, template: string, values: ClickUrlValues): string {
  return template.replace(/\{(url|clickId|subId)\}/g, (_, name: string) => {
    if (name === 'url') return dealUrl;
    return encodeURIComponent(name === 'clickId' ? values.clickId : values.subId ?? '');
  });
}

/**
 * A template registered before the rule tightened, or text appended to a deal URL without a path
 * (`http://a.example` + `@evil.example`, + `&x` turning into a host), can move the URL elsewhere.
 */
function keepsOrigin(dealUrl: string, built: string): string {
  if (originOf(built) === null || originOf(built) !== originOf(dealUrl)) {
    throw new RevenueError(500, 'DN_ERR_CLICK_URL_UNSAFE',
      `the site's click template turns ${dealUrl} into a URL on another origin; fix the template (${CLICK_TEMPLATE_RULE})`);
  }
  return built;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Why a template is refused at registration, or null when it is acceptable (see CLICK_TEMPLATE_RULE). */
export function clickTemplateProblem(template: string): string | null {
  if (!/^\{url\}(?:$|[?&#])/.test(template)) return CLICK_TEMPLATE_RULE;
  if (/\{(?!url\}|clickId\}|subId\})/.test(template)) return CLICK_TEMPLATE_RULE;
  return null;
}

/** True when a template is acceptable for registration (see clickTemplateProblem). */
export const isValidClickTemplate = (template: string): boolean => clickTemplateProblem(template) === null;
