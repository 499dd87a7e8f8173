// The hand-written feed fixtures under test/fixtures/feeds, and a way to compare a few fields of many deals.
import { readFileSync } from 'node:fs';
import type { DealRecord } from '../../crawlers/types';

const feedUrl = (name: string) => new URL(`../fixtures/feeds/${name}`, import.meta.url);

export const feedFixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(feedUrl(name)));
export const feedFixtureText = (name: string): string => readFileSync(feedUrl(name), 'utf8');

/** Each deal reduced to the named fields, for compact expectations. */
export const pick = <Key extends keyof DealRecord>(deals: DealRecord[], ...keys: Key[]) =>
  deals.map((deal) => Object.fromEntries(keys.map((key) => [key, deal[key]])));
