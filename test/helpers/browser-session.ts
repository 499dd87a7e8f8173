// A browser's side of the account pages for inject() tests: keeps cookies between requests,
// reads the CSRF token out of a page's form, and posts forms the way a browser does.
import * as cheerio from 'cheerio';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class BrowserSession {
  readonly cookies = new Map<string, string>();

  constructor(private readonly app: FastifyInstance, private readonly headers: Record<string, string> = {}) {}

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now()) || cookie.value === '';
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {};
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ url, headers: { accept: 'text/html', ...this.headers, ...this.cookieHeader() } }));
  }

  /** Posts url-encoded fields; `_csrf` is whatever the caller passes (or nothing). */
  async post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({
      method: 'POST', url,
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...this.headers, ...this.cookieHeader() },
      payload: new URLSearchParams(fields).toString(),
    }));
  }

  /** Opens the page holding the form, then submits it: its hidden fields (the CSRF token among them) and these. */
  async submit(pageUrl: string, action: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const page = await this.get(pageUrl);
    const $ = cheerio.load(page.body);
    const form = $(`form[action="${action}"]`);
    if (!form.find('input[name="_csrf"]').attr('value')) throw new Error(`no CSRF token in a form for ${action} on ${pageUrl} (${page.statusCode})`);
    const hidden = Object.fromEntries(form.find('input[type="hidden"]').map((_, input) => [[$(input).attr('name')!, $(input).attr('value') ?? '']]).get());
    return this.post(action, { ...hidden, ...fields });
  }
}

export const GOOD_PASSWORD = 'plum orchard at dawn 42';
