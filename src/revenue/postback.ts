// Signed postbacks: a partner site reports a sale or lead against a click id. The path reads as:
// find the site → check the signature and the timestamp → in one transaction: refuse a replay,
// find or attribute the conversion, apply the status change, write its event and commission entries.
//
// Signing. The canonical string is every parameter sent except `sig`, as `key=value` pairs
// sorted by key (byte order) and joined by `&`; values exactly as sent (after URL decoding, no
// re-encoding; `kind` is included only when sent). `sig` is the lowercase or uppercase hex
// HMAC-SHA256 of that string with the site's postback secret (`dealnav site secret SLUG`):
//
//   amount=68.01&click_id=1a-AbCdEfGhIjKlMnOp&currency=CNY&kind=sale&order_id=A1001&site=letuan&status=pending&ts=1764086400
//
// `ts` (unix seconds) must be within 5 minutes of our clock, and an accepted signature is
// remembered for that window, so an exact replay is refused even inside it. `ts` only dates the
// signature: a new order is dated at `order_time` when sent (unix seconds, or ISO 8601 with Z or an
// offset; signed like every parameter), which may be long before `ts` (a partner reporting
// yesterday's orders) but not in the future beyond the same 5 minutes, nor before its click. A
// change to a known order is dated at `ts`, when the partner says it happened.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConversionKind, ConversionSource, ConversionStatus, RevenueTransaction, Storage } from '../storage';
import { clickKeyOf, isSameClickId } from './click-id';
import { commissionFor, ledgerEntries, modelsFor } from './commission';
import { RevenueError } from './errors';
import { parseExactAmount } from './money';

export const REPLAY_WINDOW_MS = 5 * 60_000;
/** After a rotation, the previous secret is still accepted this long. */
export const SECRET_GRACE_MS = 24 * 3_600_000;
const DAY_MS = 86_400_000;

/** The parameters a postback carries, as strings exactly as sent. */
export interface PostbackParams {
  site: string;
  click_id: string;
  order_id: string;
  amount: string;
  currency: string;
  status: ConversionStatus;
  kind?: ConversionKind;
  /** When the order was placed: unix seconds or ISO 8601 with an offset; absent: `ts`. */
  order_time?: string;
  ts: string;
  sig: string;
}

export interface PostbackResult {
  ok: true;
  conversionId: number;
  status: ConversionStatus;
  /** True when the order was already recorded with exactly this data: nothing changed. */
  duplicate: boolean;
}

export function canonicalPostbackString(params: Record<string, string | undefined>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sig' && params[key] !== undefined)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

export function signPostback(secret: string, params: Record<string, string | undefined>): string {
  return createHmac('sha256', secret).update(canonicalPostbackString(params)).digest('hex');
}

export const newPostbackSecret = (): string => randomBytes(32).toString('base64url');

const NEXT_STATUSES: Record<ConversionStatus, ConversionStatus[]> = {
  pending: ['approved', 'rejected'],
  approved: ['reversed'],
  rejected: [],
  reversed: [],
};

export interface PostbackOptions {
  now?: () => Date;
}

export class PostbackService {
  private readonly now: () => Date;

  private constructor(private readonly storage: Storage, options: PostbackOptions) {
    this.now = options.now ?? (() => new Date());
  }

  static async create(storage: Storage, options: PostbackOptions = {}): Promise<PostbackService> {
    return new PostbackService(storage, options);
  }

  async receive(params: PostbackParams, source: ConversionSource = 'postback'): Promise<PostbackResult> {
    const now = this.now();
    const site = await this.storage.sites.findBySlug(params.site);
    if (!site) throw new RevenueError(404, 'DN_ERR_SITE_NOT_FOUND', `No site '${params.site}'`);
    await this.checkSignature(site.id, params, now);
    const at = new Date(Number(params.ts) * 1000);
    if (Math.abs(now.getTime() - at.getTime()) > REPLAY_WINDOW_MS) {
      throw new RevenueError(401, 'DN_ERR_POSTBACK_STALE',
        `ts ${params.ts} is more than 5 minutes from the server's clock (${Math.floor(now.getTime() / 1000)}); sign the postback with the current time`);
    }
    const amountMinor = parseExactAmount(params.amount, params.currency);
    if (amountMinor === null) {
      throw new RevenueError(400, 'DN_ERR_POSTBACK_AMOUNT',
        `amount '${params.amount}' is not a plain decimal in major units of ${params.currency} (at most its minor unit's digits)`);
    }
    const change: ConversionChange = {
      siteId: site.id, orderId: params.order_id, clickToken: params.click_id, kind: params.kind ?? 'sale',
      amountMinor, currency: params.currency, status: params.status, at, now, source,
      orderTime: params.order_time === undefined ? undefined : readOrderTime(params.order_time, now),
    };
    const expiresAt = new Date(Math.max(now.getTime(), at.getTime()) + REPLAY_WINDOW_MS);
    return this.storage.revenue.transaction((tx) => {
      if (!tx.rememberSignature(site.id, params.sig.toLowerCase(), now, expiresAt)) {
        throw new RevenueError(409, 'DN_ERR_POSTBACK_REPLAY',
          'this exact signed postback was already accepted; to send the order again, sign it with a fresh ts');
      }
      return this.apply(tx, change);
    });
  }

  /**
   * The one way a conversion changes, whatever reported it (a postback, an imported order report,
   * a pulled order; `change.source` tags the event): idempotent per (site, order id), allowed
   * transitions only, attribution when the order is new. Its own transaction.
   */
  applyChange(change: ConversionChange): PostbackResult {
    return this.storage.revenue.transaction((tx) => this.apply(tx, change));
  }

  /** What applyChange would answer now, with nothing kept: the same code in a transaction rolled back. */
  tryChange(change: ConversionChange): PostbackResult | RevenueError {
    const rollback = Symbol('dry run');
    let result: PostbackResult | null = null;
    try {
      this.storage.revenue.transaction((tx) => {
        result = this.apply(tx, change);
        throw rollback;
      });
    } catch (error) {
      if (error === rollback && result) return result;
      if (error instanceof RevenueError) return error;
      throw error;
    }
    throw new Error('revenue: a dry run was not rolled back');
  }

  private async checkSignature(siteId: number, params: PostbackParams, now: Date): Promise<void> {
    const secrets = await this.storage.revenue.postbackSecrets(siteId);
    if (!secrets) {
      throw new RevenueError(401, 'DN_ERR_POSTBACK_NO_SECRET', `Site '${params.site}' has no postback secret yet (dealnav site secret ${params.site})`);
    }
    const given = Buffer.from(params.sig.toLowerCase(), 'hex');
    const accepted = [secrets.current];
    if (secrets.previous && secrets.previousValidUntil && secrets.previousValidUntil > now) accepted.push(secrets.previous);
    const matches = accepted.some((secret) => {
      const expected = Buffer.from(signPostback(secret, { ...params }), 'hex');
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!matches) {
      throw new RevenueError(401, 'DN_ERR_POSTBACK_SIGNATURE',
        'sig does not match: expected hex HMAC-SHA256 with the site\'s postback secret over the sorted key=value pairs of every other parameter joined by &');
    }
  }

  /** Runs inside the transaction: synchronous from the first read to the last write. */
  private apply(tx: RevenueTransaction, change: ConversionChange): PostbackResult {
    const existing = tx.findConversion(change.siteId, change.orderId);
    if (!existing) return this.create(tx, change);
    const sameClick = isSameClickId(tx.findClick(existing.clickId)?.token ?? '', change.clickToken);
    if (!sameClick || change.kind !== existing.kind || change.currency !== existing.currency) {
      const field = !sameClick ? 'click_id' : change.kind !== existing.kind ? 'kind' : 'currency';
      throw new RevenueError(409, 'DN_ERR_CONVERSION_CONFLICT',
        `order ${change.orderId} is already recorded with another ${field}; an order's click_id, kind and currency never change`);
    }
    const sameAmount = change.amountMinor === existing.amountMinor;
    if (change.status === existing.status && sameAmount) {
      return { ok: true, conversionId: existing.id, status: existing.status, duplicate: true };
    }
    const amountMayChange = existing.status === 'pending';
    if (change.status !== existing.status && !NEXT_STATUSES[existing.status].includes(change.status)) {
      const allowed = NEXT_STATUSES[existing.status];
      throw new RevenueError(409, 'DN_ERR_CONVERSION_TRANSITION',
        `order ${change.orderId} is ${existing.status}; it ${allowed.length ? `can only become ${allowed.join(' or ')}` : 'cannot change any more'}, not ${change.status}`);
    }
    if (!sameAmount && !amountMayChange) {
      throw new RevenueError(409, 'DN_ERR_CONVERSION_AMOUNT',
        `order ${change.orderId} is ${existing.status} at ${existing.amountMinor} minor units; its amount can change only while pending`);
    }
    const term = existing.termId === null ? null : tx.findTerm(existing.termId);
    const updated = tx.updateConversion(existing.id, { status: change.status, amountMinor: change.amountMinor, now: change.now });
    const event = tx.insertEvent({
      conversionId: existing.id, source: change.source, occurredAt: change.at, recordedAt: change.now,
      statusBefore: existing.status, statusAfter: change.status, amountBefore: existing.amountMinor, amountAfter: change.amountMinor,
    });
    tx.insertEntries(ledgerEntries(tx, {
      siteId: change.siteId, conversionId: existing.id, eventId: event.id, at: change.at,
      before: { status: existing.status, commission: commissionFor(term, existing) },
      after: { status: change.status, commission: commissionFor(term, updated) },
    }));
    return { ok: true, conversionId: existing.id, status: updated.status, duplicate: false };
  }

  private create(tx: RevenueTransaction, reported: ConversionChange): PostbackResult {
    // A new order is dated when it was placed, when the source says so.
    const change = reported.orderTime ? { ...reported, at: reported.orderTime } : reported;
    const click = this.attribute(tx, change);
    if (change.status === 'reversed') {
      throw new RevenueError(409, 'DN_ERR_CONVERSION_TRANSITION',
        `order ${change.orderId} is not recorded yet; a new order is pending, approved or rejected, and only an approved one can be reversed`);
    }
    const term = tx.termAt(change.siteId, modelsFor(change.kind), click.dealCategory, change.at);
    const conversion = tx.insertConversion({
      siteId: change.siteId, clickId: click.id, orderId: change.orderId, kind: change.kind, amountMinor: change.amountMinor,
      currency: change.currency, status: change.status, occurredAt: change.at, termId: term?.id ?? null, now: change.now,
    });
    // The transaction holds the write lock, so the order cannot have appeared since findConversion.
    if (!conversion) throw new Error(`revenue: order ${change.orderId} appeared inside its own transaction`);
    const event = tx.insertEvent({
      conversionId: conversion.id, source: change.source, occurredAt: change.at, recordedAt: change.now,
      statusBefore: null, statusAfter: conversion.status, amountBefore: null, amountAfter: conversion.amountMinor,
    });
    tx.insertEntries(ledgerEntries(tx, {
      siteId: change.siteId, conversionId: conversion.id, eventId: event.id, at: change.at,
      before: null, after: { status: conversion.status, commission: commissionFor(term, conversion) },
    }));
    return { ok: true, conversionId: conversion.id, status: conversion.status, duplicate: false };
  }

  /** The click a new conversion belongs to: it must exist, be this site's, and be within the attribution window. */
  private attribute(tx: RevenueTransaction, change: ConversionChange) {
    const key = clickKeyOf(change.clickToken);
    const click = key === null ? null : tx.findClick(key);
    if (!click || !isSameClickId(click.token, change.clickToken)) {
      throw new RevenueError(422, 'DN_ERR_CLICK_UNKNOWN', `click_id '${change.clickToken}' is not a click id this portal issued`);
    }
    if (click.siteId !== change.siteId) {
      throw new RevenueError(422, 'DN_ERR_CLICK_OTHER_SITE', `click_id '${change.clickToken}' was a click-out to another site`);
    }
    if (change.at.getTime() < click.createdAt.getTime() - REPLAY_WINDOW_MS) {
      throw new RevenueError(422, 'DN_ERR_CLICK_AFTER_CONVERSION',
        `click_id '${change.clickToken}' was clicked at ${click.createdAt.toISOString()}, after the conversion's time ${change.at.toISOString()}`);
    }
    const windowDays = tx.attributionWindowDays(change.siteId);
    if (change.at.getTime() > click.createdAt.getTime() + windowDays * DAY_MS) {
      throw new RevenueError(422, 'DN_ERR_CLICK_EXPIRED',
        `click_id '${change.clickToken}' is from ${click.createdAt.toISOString()}, outside the site's ${windowDays}-day attribution window`);
    }
    return click;
  }
}

/** One reported state of an order, from any source. */
export interface ConversionChange {
  siteId: number;
  orderId: string;
  clickToken: string;
  kind: ConversionKind;
  amountMinor: number;
  currency: string;
  status: ConversionStatus;
  /** The source's time of the change (a postback's ts). */
  at: Date;
  /** When the order was placed, if the source says: a new order is dated then instead of `at`. */
  orderTime?: Date;
  now: Date;
  source: ConversionSource;
}

/**
 * A postback's order_time: unix seconds, or ISO 8601 with Z or an offset (a time without one would
 * be read in some zone by guesswork). Not in the future beyond the ts window.
 */
export function readOrderTime(text: string, now: Date): Date {
  const ms = /^\d{1,12}$/.test(text) ? Number(text) * 1000 : isoInstant(text);
  if (ms === null) {
    throw new RevenueError(400, 'DN_ERR_POSTBACK_ORDER_TIME',
      `order_time '${text}' is not unix seconds nor an ISO 8601 time with Z or an offset (2026-11-25T14:03:00+08:00)`);
  }
  if (ms > now.getTime() + REPLAY_WINDOW_MS) {
    throw new RevenueError(400, 'DN_ERR_POSTBACK_ORDER_TIME',
      `order_time ${new Date(ms).toISOString()} is in the future (server clock ${now.toISOString()}); it is when the order was placed`);
  }
  return new Date(ms);
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Milliseconds of an ISO 8601 instant, or null; calendar-checked (Date.parse rolls 02-30 into March). */
function isoInstant(text: string): number | null {
  const match = ISO_INSTANT.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const milliseconds = Number((match[7] ?? '').padEnd(3, '0'));
  const offsetMinutes = match[8] ? (match[8] === '-' ? -1 : 1) * (Number(match[9]) * 60 + Number(match[10])) : 0;
  const calendar = new Date(Date.UTC(year!, month! - 1, day!));
  if (calendar.getUTCMonth() !== month! - 1 || calendar.getUTCDate() !== day!) return null;
  if (hour! > 23 || minute! > 59 || second > 59 || Math.abs(offsetMinutes) > 14 * 60) return null;
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second, milliseconds) - offsetMinutes * 60_000;
}
