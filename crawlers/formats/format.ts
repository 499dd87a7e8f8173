// The contract every feed format module keeps. Adding a format = one module exporting a
// FeedFormat, plus one line in ./registry.ts.
import type { FormatName, ParseContext, ParseResult } from '../types';

/** What detection sees of a document: its syntax and the cheap facts about it. */
export type FeedDocument =
  | { syntax: 'xml'; text: string; /** root element's local name, lower-cased */ root: string }
  | { syntax: 'json'; text: string; json: unknown }
  | { syntax: 'html'; text: string };

export interface FeedFormat {
  name: FormatName;
  /** What site owners would call it, for messages and the registration form. */
  label: string;
  syntax: FeedDocument['syntax'];
  /** True when the document is in this format; only called with documents of `syntax`. */
  detect(document: FeedDocument, ctx: ParseContext): boolean;
  parse(document: FeedDocument, ctx: ParseContext): ParseResult;
}
