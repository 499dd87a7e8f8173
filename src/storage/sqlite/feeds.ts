// SQL for the `feeds` table: registration, scheduling state and the last error of each feed.
import type { Feed, FeedsRepository, NewFeed } from '../types';
import type { SqliteDatabase } from './database';
import { toDate, toOptionalDate } from './time';

interface FeedRow {
  id: number;
  site_id: number;
  site_slug: string;
  url: string;
  format: string;
  detected_format: string | null;
  time_zone: string | null;
  clock_offset_seconds: number;
  selectors_json: string | null;
  interval_minutes: number;
  status: Feed['status'];
  paused_reason: string | null;
  etag: string | null;
  last_modified: string | null;
  body_fingerprint: string | null;
  body_parsed_at: number | null;
  next_check_at: number;
  last_checked_at: number | null;
  last_success_at: number | null;
  consecutive_failures: number;
  last_error_code: string | null;
  last_error_message: string | null;
}

const toFeed = (row: FeedRow): Feed => ({
  id: row.id,
  siteId: row.site_id,
  siteSlug: row.site_slug,
  url: row.url,
  format: row.format,
  detectedFormat: row.detected_format,
  timeZone: row.time_zone,
  clockOffsetSeconds: row.clock_offset_seconds,
  selectors: row.selectors_json ? JSON.parse(row.selectors_json) : null,
  intervalMinutes: row.interval_minutes,
  status: row.status,
  pausedReason: row.paused_reason,
  etag: row.etag,
  lastModified: row.last_modified,
  bodyFingerprint: row.body_fingerprint,
  bodyParsedAt: toOptionalDate(row.body_parsed_at),
  nextCheckAt: toDate(row.next_check_at),
  lastCheckedAt: toOptionalDate(row.last_checked_at),
  lastSuccessAt: toOptionalDate(row.last_success_at),
  consecutiveFailures: row.consecutive_failures,
  lastErrorCode: row.last_error_code,
  lastErrorMessage: row.last_error_message,
});

const selectFeed = 'SELECT feeds.*, sites.slug AS site_slug FROM feeds JOIN sites ON sites.id = feeds.site_id';

export function createFeedsRepository(db: SqliteDatabase): FeedsRepository {
  const upsert = db.prepare<{ siteId: number; url: string; format: string; timeZone: string | null; interval: number; clockOffset: number; selectors: string | null; now: number }>(`
    INSERT INTO feeds (site_id, url, format, time_zone, interval_minutes, clock_offset_seconds, selectors_json, created_at, updated_at)
    VALUES (@siteId, @url, @format, @timeZone, @interval, @clockOffset, @selectors, @now, @now)
    ON CONFLICT (site_id, url) DO UPDATE SET
      format = excluded.format, time_zone = excluded.time_zone, interval_minutes = excluded.interval_minutes,
      clock_offset_seconds = excluded.clock_offset_seconds,
      selectors_json = excluded.selectors_json, updated_at = excluded.updated_at`);
  const byId = db.prepare<[number], FeedRow>(`${selectFeed} WHERE feeds.id = ?`);
  const bySiteAndUrl = db.prepare<[number, string], FeedRow>(`${selectFeed} WHERE feeds.site_id = ? AND feeds.url = ?`);
  const forSite = db.prepare<[number], FeedRow>(`${selectFeed} WHERE feeds.site_id = ? ORDER BY feeds.id`);
  const all = db.prepare<[], FeedRow>(`${selectFeed} ORDER BY sites.slug, feeds.id`);
  // Uses the feeds_due index.
  const due = db.prepare<[number, number], FeedRow>(`
    ${selectFeed}
    WHERE feeds.status = 'active' AND feeds.next_check_at <= ? AND sites.status = 'active'
    ORDER BY feeds.next_check_at LIMIT ?`);
  const replaceUrl = db.prepare<[string, number, number]>(
    'UPDATE feeds SET url = ?, etag = NULL, last_modified = NULL, body_fingerprint = NULL, next_check_at = 0, updated_at = ? WHERE id = ?');
  const success = db.prepare<{ at: number; etag: string | null; lastModified: string | null; next: number; format: string | null; fingerprint: string | null; id: number }>(`
    UPDATE feeds SET last_checked_at = @at, last_success_at = @at, etag = @etag, last_modified = @lastModified,
      detected_format = COALESCE(@format, detected_format),
      body_fingerprint = COALESCE(@fingerprint, body_fingerprint),
      body_parsed_at = CASE WHEN @fingerprint IS NULL THEN body_parsed_at ELSE @at END,
      next_check_at = @next, consecutive_failures = 0, last_error_code = NULL, last_error_message = NULL,
      updated_at = @at
    WHERE id = @id`);
  const failure = db.prepare<{ at: number; code: string; message: string; next: number; id: number }>(`
    UPDATE feeds SET last_checked_at = @at, last_error_code = @code, last_error_message = @message,
      next_check_at = @next, consecutive_failures = consecutive_failures + 1, updated_at = @at
    WHERE id = @id`);

  const pause = db.prepare<{ id: number; reason: string; now: number }>(
    "UPDATE feeds SET status = 'paused', paused_reason = @reason, updated_at = @now WHERE id = @id");
  const resume = db.prepare<{ id: number; now: number }>(`
    UPDATE feeds SET status = 'active', paused_reason = NULL, consecutive_failures = 0, next_check_at = 0, updated_at = @now
    WHERE id = @id`);

  return {
    async pause(id, reason) {
      pause.run({ id, reason, now: Date.now() });
    },
    async resume(id) {
      resume.run({ id, now: Date.now() });
    },
    async upsert(feed: NewFeed) {
      upsert.run({ siteId: feed.siteId, url: feed.url, format: feed.format ?? 'auto', timeZone: feed.timeZone ?? null, interval: feed.intervalMinutes ?? 60, clockOffset: feed.clockOffsetSeconds ?? 0,
        selectors: feed.selectors ? JSON.stringify(feed.selectors) : null, now: Date.now() });
      return toFeed(bySiteAndUrl.get(feed.siteId, feed.url)!);
    },
    async replaceUrl(feedId, url) {
      replaceUrl.run(url, Date.now(), feedId);
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? toFeed(row) : null;
    },
    async listForSite(siteId) {
      return forSite.all(siteId).map(toFeed);
    },
    async list() {
      return all.all().map(toFeed);
    },
    async listDue(now, limit) {
      return due.all(now.getTime(), limit).map(toFeed);
    },
    async recordSuccess(id, result) {
      success.run({
        at: result.at.getTime(), etag: result.etag, lastModified: result.lastModified, next: result.nextCheckAt.getTime(),
        format: result.format, fingerprint: result.bodyFingerprint, id,
      });
    },
    async recordFailure(id, result) {
      failure.run({ at: result.at.getTime(), code: result.code, message: result.message, next: result.nextCheckAt.getTime(), id });
    },
  };
}
