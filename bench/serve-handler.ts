// serve-handler (the routing core of Vercel's `serve`), typed: it ships no types, so here is the part the /go bench uses.
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ServeHandlerRedirect {
  source: string;
  destination: string;
  type?: 301 | 302 | 303 | 307 | 308;
}

export interface ServeHandlerConfig {
  /** The folder served for requests that no redirect rule matches. */
  public?: string;
  redirects?: ServeHandlerRedirect[];
  directoryListing?: boolean;
}

const require = createRequire(import.meta.url);

export const serveHandler = require('serve-handler') as
  (request: IncomingMessage, response: ServerResponse, config?: ServeHandlerConfig) => Promise<void>;

/** The installed version, printed beside its figures: the comparison is only as good as knowing what ran. */
export const serveHandlerVersion = (require('serve-handler/package.json') as { version: string }).version;
