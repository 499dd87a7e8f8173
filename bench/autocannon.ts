// autocannon, typed: it ships no types, so here is the part the benchmarks use.
import { createRequire } from 'node:module';

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  '2xx': number;
  '3xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

/** One request of a sequence; setupRequest may rewrite it just before it is sent. */
export interface AutocannonRequest {
  method: string;
  path?: string;
  setupRequest?: (request: { path: string }) => { path: string };
}

export interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
}

export const autocannon = createRequire(import.meta.url)('autocannon') as (options: AutocannonOptions) => Promise<AutocannonResult>;
