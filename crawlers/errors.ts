// Stable error codes for everything that can go wrong while crawling one feed. The code is
// stored on the crawl run and shown to site owners; the message adds the detail.

export type CrawlErrorCode =
  | 'invalid_url'
  | 'blocked_address'
  | 'dns_failed'
  | 'connect_failed'
  | 'timeout'
  | 'too_large'
  | 'too_many_redirects'
  | 'http_status'
  | 'robots_disallowed'
  | 'empty_body'
  | 'not_a_feed'
  | 'format_unknown'
  | 'parse_error';

export class CrawlError extends Error {
  constructor(
    readonly code: CrawlErrorCode,
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
    this.name = 'CrawlError';
  }
}
