// Versioned schema. Order matters: add new migrations at the end, never edit an applied one.
// Times are INTEGER milliseconds since the epoch (UTC); money is INTEGER minor units with a
// currency code beside it.
import type { SqliteDatabase } from './database';

const migrations: readonly string[] = [
  // 1: the foundation: accounts, partner sites and their feeds, deals with price history,
  // crawl runs, and clicks keyed by integer so conversions can reference them cheaply.
  `
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('operator', 'owner')),
    created_at    INTEGER NOT NULL
  );

  CREATE TABLE sites (
    id                      INTEGER PRIMARY KEY,
    slug                    TEXT NOT NULL UNIQUE,
    name                    TEXT NOT NULL,
    home_url                TEXT NOT NULL,
    status                  TEXT NOT NULL DEFAULT 'active'
                              CHECK (status IN ('pending', 'active', 'suspended', 'rejected')),
    status_reason           TEXT,
    click_param             TEXT,
    click_template          TEXT,
    owner_user_id           INTEGER REFERENCES users(id),
    verification_token      TEXT,
    verified_at             INTEGER,
    attribution_window_days INTEGER NOT NULL DEFAULT 30,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
  );

  CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY,
    site_id              INTEGER NOT NULL REFERENCES sites(id),
    url                  TEXT NOT NULL,
    format               TEXT NOT NULL DEFAULT 'auto',
    time_zone            TEXT,
    clock_offset_seconds INTEGER NOT NULL DEFAULT 0,
    selectors_json       TEXT,
    interval_minutes     INTEGER NOT NULL DEFAULT 60 CHECK (interval_minutes > 0),
    status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    paused_reason        TEXT,
    etag                 TEXT,
    last_modified        TEXT,
    next_check_at        INTEGER NOT NULL DEFAULT 0,
    last_checked_at      INTEGER,
    last_success_at      INTEGER,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_error_code      TEXT,
    last_error_message   TEXT,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    UNIQUE (site_id, url)
  );
  CREATE INDEX feeds_due ON feeds (status, next_check_at);

  CREATE TABLE deals (
    id               INTEGER PRIMARY KEY,
    site_id          INTEGER NOT NULL REFERENCES sites(id),
    feed_id          INTEGER NOT NULL REFERENCES feeds(id),
    external_id      TEXT NOT NULL,
    url              TEXT NOT NULL,
    title            TEXT NOT NULL,
    image_url        TEXT,
    city             TEXT,
    nationwide       INTEGER NOT NULL DEFAULT 0,
    district         TEXT,
    category         TEXT,
    price_minor      INTEGER NOT NULL,
    value_minor      INTEGER,
    currency         TEXT NOT NULL,
    discount_percent INTEGER,
    sold             INTEGER,
    sold_out         INTEGER NOT NULL DEFAULT 0,
    starts_at        INTEGER,
    ends_at          INTEGER,
    merchant_name    TEXT,
    merchant_phone   TEXT,
    merchant_address TEXT,
    content_hash     TEXT NOT NULL,
    published_at     INTEGER NOT NULL,
    first_seen_at    INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    removed_at       INTEGER,
    UNIQUE (site_id, external_id)
  );
  CREATE INDEX deals_feed ON deals (feed_id);
  CREATE INDEX deals_live_newest ON deals (published_at DESC, id DESC) WHERE removed_at IS NULL;

  CREATE TABLE deal_price_history (
    id          INTEGER PRIMARY KEY,
    deal_id     INTEGER NOT NULL REFERENCES deals(id),
    observed_at INTEGER NOT NULL,
    price_minor INTEGER NOT NULL,
    value_minor INTEGER,
    currency    TEXT NOT NULL,
    sold        INTEGER,
    sold_out    INTEGER NOT NULL
  );
  CREATE INDEX deal_price_history_deal ON deal_price_history (deal_id, observed_at);

  CREATE TABLE crawl_runs (
    id            INTEGER PRIMARY KEY,
    feed_id       INTEGER NOT NULL REFERENCES feeds(id),
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    outcome       TEXT NOT NULL DEFAULT 'running'
                    CHECK (outcome IN ('running', 'ok', 'not_modified', 'failed')),
    http_status   INTEGER,
    bytes         INTEGER,
    format        TEXT,
    items_seen    INTEGER NOT NULL DEFAULT 0,
    added         INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    removed       INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0,
    skipped_json  TEXT,
    error_code    TEXT,
    error_message TEXT
  );
  CREATE INDEX crawl_runs_feed ON crawl_runs (feed_id, started_at DESC);

  -- The public click id is derived from the integer key (see src/revenue/click-id.ts), so
  -- inserts append to the table and a postback finds its click by primary key: no index on token.
  CREATE TABLE clicks (
    id           INTEGER PRIMARY KEY,
    token        TEXT NOT NULL,
    deal_id      INTEGER NOT NULL REFERENCES deals(id),
    site_id      INTEGER NOT NULL REFERENCES sites(id),
    created_at   INTEGER NOT NULL,
    city         TEXT,
    sub_id       TEXT,
    referrer     TEXT,
    user_agent   TEXT,
    ip_hash      TEXT NOT NULL,
    is_bot       INTEGER NOT NULL DEFAULT 0,
    is_duplicate INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX clicks_site_time ON clicks (site_id, created_at);
  `,
  // 2: the format a feed was last read in, so HTML feeds (JSON-LD pages, CSS selectors) are
  // checked against robots.txt before they are fetched again.
  `
  ALTER TABLE feeds ADD COLUMN detected_format TEXT;
  `,
  // 3: a fingerprint of the last body that was parsed and stored, so an unchanged feed from a
  // server without ETag or Last-Modified costs a hash, not a parse.
  `
  ALTER TABLE feeds ADD COLUMN body_fingerprint TEXT;
  ALTER TABLE feeds ADD COLUMN body_parsed_at INTEGER;
  `,
  // 4: the shoppers' listing. `geo` is where a deal shows: its city, or '*' for a nationwide deal,
  // so "city X" is `geo IN (X, '*')` on one index and a nationwide deal is one row in every city.
  // deal_search is the full-text index (see search-text.ts): `words` holds the Latin words and
  // numbers, `bigrams` every overlapping pair of CJK characters, so a phrase of the query's pairs
  // finds any Chinese substring of two or more characters. `offer_key` groups the same offer on
  // several sites. Triggers keep both in step with `deals`, whoever writes it; they call the
  // dn_* functions that openSqlite registers. Listing indexes are partial (removed deals never
  // list) and cover every filter column, so counts and facets read the index alone. (`geo` is a
  // plain column kept by trigger: an index on a generated column never covers a query.)
  `
  ALTER TABLE deals ADD COLUMN geo TEXT;
  ALTER TABLE deals ADD COLUMN offer_key TEXT;
  UPDATE deals SET geo = CASE WHEN nationwide THEN '*' ELSE city END,
    offer_key = dn_offer_key(city, nationwide, currency, merchant_name, title);

  CREATE VIRTUAL TABLE deal_search USING fts5(
    words, bigrams, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
  );
  INSERT INTO deal_search (rowid, words, bigrams)
    SELECT id, dn_search_words(title, merchant_name, category), dn_search_bigrams(title, merchant_name, category) FROM deals;

  CREATE TRIGGER deals_derived_insert AFTER INSERT ON deals BEGIN
    INSERT INTO deal_search (rowid, words, bigrams) VALUES (NEW.id,
      dn_search_words(NEW.title, NEW.merchant_name, NEW.category), dn_search_bigrams(NEW.title, NEW.merchant_name, NEW.category));
    UPDATE deals SET geo = CASE WHEN NEW.nationwide THEN '*' ELSE NEW.city END,
      offer_key = dn_offer_key(NEW.city, NEW.nationwide, NEW.currency, NEW.merchant_name, NEW.title) WHERE id = NEW.id;
  END;
  CREATE TRIGGER deals_search_update AFTER UPDATE OF title, merchant_name, category ON deals
  WHEN OLD.title IS NOT NEW.title OR OLD.merchant_name IS NOT NEW.merchant_name OR OLD.category IS NOT NEW.category BEGIN
    DELETE FROM deal_search WHERE rowid = OLD.id;
    INSERT INTO deal_search (rowid, words, bigrams) VALUES (NEW.id,
      dn_search_words(NEW.title, NEW.merchant_name, NEW.category), dn_search_bigrams(NEW.title, NEW.merchant_name, NEW.category));
  END;
  CREATE TRIGGER deals_place_offer_update AFTER UPDATE OF city, nationwide, currency, merchant_name, title ON deals
  WHEN OLD.city IS NOT NEW.city OR OLD.nationwide IS NOT NEW.nationwide OR OLD.currency IS NOT NEW.currency
    OR OLD.merchant_name IS NOT NEW.merchant_name OR OLD.title IS NOT NEW.title BEGIN
    UPDATE deals SET geo = CASE WHEN NEW.nationwide THEN '*' ELSE NEW.city END,
      offer_key = dn_offer_key(NEW.city, NEW.nationwide, NEW.currency, NEW.merchant_name, NEW.title) WHERE id = NEW.id;
  END;
  CREATE TRIGGER deals_search_delete AFTER DELETE ON deals BEGIN
    DELETE FROM deal_search WHERE rowid = OLD.id;
  END;

  -- Filters and facets: one covering index per leading filter (city, category, site).
  CREATE INDEX deals_live_geo ON deals (geo, category, site_id, district, ends_at, price_minor, discount_percent, first_seen_at, removed_at)
    WHERE removed_at IS NULL;
  CREATE INDEX deals_live_category ON deals (category, geo, site_id, district, ends_at, price_minor, discount_percent, first_seen_at, removed_at)
    WHERE removed_at IS NULL;
  CREATE INDEX deals_live_site ON deals (site_id, geo, category, district, ends_at, price_minor, discount_percent, first_seen_at, removed_at)
    WHERE removed_at IS NULL;
  -- Sorts of the whole country's listing (newest has deals_live_newest); the rowid breaks ties.
  CREATE INDEX deals_live_price ON deals (price_minor) WHERE removed_at IS NULL;
  CREATE INDEX deals_live_discount ON deals (discount_percent) WHERE removed_at IS NULL;
  CREATE INDEX deals_live_popular ON deals (sold) WHERE removed_at IS NULL;
  CREATE INDEX deals_live_ending ON deals (ifnull(ends_at, 9007199254740991)) WHERE removed_at IS NULL;
  -- Offer groups: members of one key, cheapest first.
  CREATE INDEX deals_live_offer ON deals (offer_key, price_minor) WHERE removed_at IS NULL AND offer_key IS NOT NULL;
  `,
  // 5: email alerts for a listing filter (double opt-in, daily digest). `filter` is the canonical
  // listing query string; tokens are stored only as SHA-256 hashes. One row per email and filter.
  `
  CREATE TABLE alert_subscriptions (
    id                     INTEGER PRIMARY KEY,
    email                  TEXT NOT NULL COLLATE NOCASE,
    filter                 TEXT NOT NULL,
    price_ceiling_minor    INTEGER,
    locale                 TEXT NOT NULL,
    status                 TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'unsubscribed')),
    confirm_token_hash     TEXT UNIQUE,
    unsubscribe_nonce      TEXT NOT NULL,
    unsubscribe_token_hash TEXT NOT NULL UNIQUE,
    created_at             INTEGER NOT NULL,
    confirmation_sent_at   INTEGER,
    confirmed_at           INTEGER,
    last_digest_at         INTEGER,
    unsubscribed_at        INTEGER,
    updated_at             INTEGER NOT NULL,
    UNIQUE (email, filter)
  );
  -- The digest run: active subscriptions by when they were last mailed (never mailed first).
  CREATE INDEX alert_subscriptions_due ON alert_subscriptions (status, last_digest_at);
  `,
  // 6: the money side (issue 5). Per-site postback secrets (kept in clear: checking an HMAC needs the key itself;
  // the previous one stays valid for a grace period after a rotation) and the
  // signatures accepted inside the replay window; conversions, one per (site, order id), with
  // every status or amount change as an event; effective-dated commission terms; the commission
  // ledger (signed entries per event, each in a statement month `YYYY-MM` of UTC); and closed months.
  `
  CREATE TABLE site_postback_secrets (
    site_id               INTEGER PRIMARY KEY REFERENCES sites(id),
    secret                TEXT NOT NULL,
    previous_secret       TEXT,
    previous_valid_until  INTEGER,
    created_at            INTEGER NOT NULL,
    rotated_at            INTEGER NOT NULL
  );

  CREATE TABLE postback_signatures (
    site_id    INTEGER NOT NULL REFERENCES sites(id),
    signature  TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (site_id, signature)
  ) WITHOUT ROWID;
  CREATE INDEX postback_signatures_expiry ON postback_signatures (expires_at);

  CREATE TABLE commission_terms (
    id             INTEGER PRIMARY KEY,
    site_id        INTEGER NOT NULL REFERENCES sites(id),
    effective_from INTEGER NOT NULL,
    model          TEXT NOT NULL CHECK (model IN ('cps', 'cpa_sale', 'cpa_lead', 'cpc')),
    rate_bp        INTEGER CHECK (rate_bp BETWEEN 0 AND 10000),
    flat_minor     INTEGER CHECK (flat_minor >= 0),
    currency       TEXT,
    category       TEXT,
    created_at     INTEGER NOT NULL,
    CHECK ((model = 'cps' AND rate_bp IS NOT NULL AND flat_minor IS NULL)
        OR (model <> 'cps' AND rate_bp IS NULL AND flat_minor IS NOT NULL AND currency IS NOT NULL))
  );
  -- The term in force: latest effective_from at or before an instant, per site and model.
  CREATE INDEX commission_terms_lookup ON commission_terms (site_id, model, effective_from);

  CREATE TABLE conversions (
    id           INTEGER PRIMARY KEY,
    site_id      INTEGER NOT NULL REFERENCES sites(id),
    click_id     INTEGER NOT NULL REFERENCES clicks(id),
    order_id     TEXT NOT NULL CHECK (order_id <> ''),
    kind         TEXT NOT NULL CHECK (kind IN ('sale', 'lead')),
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'reversed')),
    occurred_at  INTEGER NOT NULL,
    term_id      INTEGER REFERENCES commission_terms(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (site_id, order_id)
  );
  CREATE INDEX conversions_click ON conversions (click_id);
  CREATE INDEX conversions_site_time ON conversions (site_id, occurred_at);

  CREATE TABLE conversion_events (
    id            INTEGER PRIMARY KEY,
    conversion_id INTEGER NOT NULL REFERENCES conversions(id),
    source        TEXT NOT NULL CHECK (source IN ('postback', 'import', 'pull', 'operator')),
    occurred_at   INTEGER NOT NULL,
    recorded_at   INTEGER NOT NULL,
    status_before TEXT,
    status_after  TEXT NOT NULL,
    amount_before INTEGER,
    amount_after  INTEGER NOT NULL
  );
  CREATE INDEX conversion_events_conversion ON conversion_events (conversion_id, id);

  CREATE TABLE commission_entries (
    id              INTEGER PRIMARY KEY,
    site_id         INTEGER NOT NULL REFERENCES sites(id),
    conversion_id   INTEGER REFERENCES conversions(id),
    event_id        INTEGER REFERENCES conversion_events(id),
    source          TEXT NOT NULL CHECK (source IN ('conversion', 'cpc')),
    bucket          TEXT NOT NULL CHECK (bucket IN ('pending', 'approved', 'reversed')),
    amount_minor    INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    period          TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    original_period TEXT NOT NULL,
    effective_at    INTEGER NOT NULL,
    explanation     TEXT NOT NULL,
    created_at      INTEGER NOT NULL
  );
  -- Statements sum one site's month; pending outstanding sums every month up to one.
  CREATE INDEX commission_entries_period ON commission_entries (site_id, period, currency, bucket);
  CREATE INDEX commission_entries_conversion ON commission_entries (conversion_id);

  CREATE TABLE statement_periods (
    site_id   INTEGER NOT NULL REFERENCES sites(id),
    period    TEXT NOT NULL,
    closed_at INTEGER NOT NULL,
    snapshot  TEXT,
    PRIMARY KEY (site_id, period)
  ) WITHOUT ROWID;
  `,
  // 7: accounts and access (issue 6): server-side sessions keyed by the SHA-256 of the cookie value;
  // failed sign-ins per account and per address (keys are HMACs, never the email or IP itself);
  // the audit log of every change an operator or owner makes; per-site API tokens, stored hashed.
  `
  CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT
  ) WITHOUT ROWID;
  CREATE INDEX sessions_user ON sessions (user_id);

  CREATE TABLE sign_in_throttle (
    scope           TEXT NOT NULL CHECK (scope IN ('account', 'ip')),
    key_hash        TEXT NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    blocked_until   INTEGER,
    PRIMARY KEY (scope, key_hash)
  ) WITHOUT ROWID;

  CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    before_json   TEXT,
    after_json    TEXT
  );

  CREATE TABLE site_api_tokens (
    id                 INTEGER PRIMARY KEY,
    site_id            INTEGER NOT NULL REFERENCES sites(id),
    token_hash         TEXT NOT NULL UNIQUE,
    prefix             TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    created_by_user_id INTEGER REFERENCES users(id),
    last_used_at       INTEGER,
    revoked_at         INTEGER
  );
  CREATE INDEX site_api_tokens_site ON site_api_tokens (site_id, id);

  -- An owner's sites, for their console and the ownership checks.
  CREATE INDEX sites_owner ON sites (owner_user_id);
  `,
  // 8: a deal's branches (where it can be redeemed), in the feed's order. Only the deal page
  // reads them, by deal; a snapshot replaces a changed deal's rows as a whole.
  `
  CREATE TABLE deal_branches (
    deal_id  INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT,
    address  TEXT,
    phone    TEXT,
    district TEXT,
    lat      REAL CHECK (lat BETWEEN -90 AND 90),
    lng      REAL CHECK (lng BETWEEN -180 AND 180),
    PRIMARY KEY (deal_id, position)
  ) WITHOUT ROWID;
  `,
  // 9: the listing's sorts within a city and category. Each index gives one sort's order inside
  // (geo, category), so a city+category page is two ordered streams (the city and '*', merged by
  // a UNION ALL in deal-search.ts) that stop after the page's rows instead of sorting every match.
  // The rowid is the implicit last column: it breaks ties in the same direction as the sort.
  `
  CREATE INDEX deals_live_geo_newest ON deals (geo, category, published_at) WHERE removed_at IS NULL;
  CREATE INDEX deals_live_geo_price ON deals (geo, category, price_minor) WHERE removed_at IS NULL;
  CREATE INDEX deals_live_geo_discount ON deals (geo, category, discount_percent) WHERE removed_at IS NULL;
  CREATE INDEX deals_live_geo_popular ON deals (geo, category, sold) WHERE removed_at IS NULL;
  CREATE INDEX deals_live_geo_ending ON deals (geo, category, ifnull(ends_at, 9007199254740991)) WHERE removed_at IS NULL;
  `,
  // 10: `geo` and `offer_key` are now written by the snapshot's own INSERT and UPDATE (deals.ts).
  // Setting them from an AFTER trigger wrote every new deal twice and touched each of its ~15
  // listing indexes twice; the full-text rows stay trigger-maintained.
  `
  DROP TRIGGER deals_derived_insert;
  DROP TRIGGER deals_place_offer_update;
  CREATE TRIGGER deals_search_insert AFTER INSERT ON deals BEGIN
    INSERT INTO deal_search (rowid, words, bigrams) VALUES (NEW.id,
      dn_search_words(NEW.title, NEW.merchant_name, NEW.category), dn_search_bigrams(NEW.title, NEW.merchant_name, NEW.category));
  END;
  `,
  // 11: the snapshot writes a deal's full-text row itself (deals.ts), in the same transaction.
  // An AFTER INSERT trigger on this many-indexed table cost ~75 µs a new deal here, four times
  // the rest of the insert. The delete trigger stays: deals are removed by marking, not deleting.
  `
  DROP TRIGGER deals_search_insert;
  DROP TRIGGER deals_search_update;
  `,
  // 12: credibility (issue 7). link_checks: one row per deal page fetched by the link checker
  // (its outcome and, where the page states one, its price against the feed's). shopper_reports:
  // "report a problem" from deal pages, resolved or dismissed by operators. credibility_expired:
  // per crawl, how many listed deals had already ended. credibility_deal_flags: per live deal,
  // the median price of the same offer on other sites and why its "worth" looks inflated.
  // credibility_scores: one row per site and UTC day (the latest recompute of that day wins).
  // credibility_alerts: a rule crossed by a site, open until the rule stops firing.
  `
  CREATE TABLE link_checks (
    id               INTEGER PRIMARY KEY,
    deal_id          INTEGER NOT NULL REFERENCES deals(id),
    site_id          INTEGER NOT NULL REFERENCES sites(id),
    checked_at       INTEGER NOT NULL,
    url              TEXT NOT NULL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('ok', 'dead', 'home_redirect', 'sold_out', 'skipped')),
    http_status      INTEGER,
    final_url        TEXT,
    error_code       TEXT,
    feed_price_minor INTEGER NOT NULL,
    page_price_minor INTEGER,
    currency         TEXT NOT NULL,
    price_outcome    TEXT CHECK (price_outcome IN ('match', 'mismatch'))
  );
  CREATE INDEX link_checks_site_time ON link_checks (site_id, checked_at);
  CREATE INDEX link_checks_deal_time ON link_checks (deal_id, checked_at);

  CREATE TABLE shopper_reports (
    id          INTEGER PRIMARY KEY,
    deal_id     INTEGER NOT NULL REFERENCES deals(id),
    site_id     INTEGER NOT NULL REFERENCES sites(id),
    reason      TEXT NOT NULL CHECK (reason IN ('closed_shop', 'wrong_price', 'no_voucher', 'other')),
    details     TEXT,
    ip_hash     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    resolved_at INTEGER,
    resolved_by INTEGER REFERENCES users(id)
  );
  CREATE INDEX shopper_reports_site_time ON shopper_reports (site_id, created_at);
  CREATE INDEX shopper_reports_deal_time ON shopper_reports (deal_id, created_at);
  CREATE INDEX shopper_reports_status ON shopper_reports (status, created_at);

  CREATE TABLE credibility_expired (
    id           INTEGER PRIMARY KEY,
    crawl_run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
    feed_id      INTEGER NOT NULL REFERENCES feeds(id),
    site_id      INTEGER NOT NULL REFERENCES sites(id),
    at           INTEGER NOT NULL,
    listed       INTEGER NOT NULL,
    expired      INTEGER NOT NULL,
    sample_json  TEXT NOT NULL
  );
  CREATE INDEX credibility_expired_site_time ON credibility_expired (site_id, at);

  CREATE TABLE credibility_deal_flags (
    deal_id            INTEGER PRIMARY KEY REFERENCES deals(id),
    site_id            INTEGER NOT NULL REFERENCES sites(id),
    offer_median_minor INTEGER,
    offer_worth_median_minor INTEGER,
    offer_sites        INTEGER NOT NULL DEFAULT 0,
    currency           TEXT NOT NULL,
    reason             TEXT CHECK (reason IN ('worth_above_median', 'implausible_discount')),
    computed_at        INTEGER NOT NULL
  );
  CREATE INDEX credibility_deal_flags_site ON credibility_deal_flags (site_id, reason);

  CREATE TABLE credibility_scores (
    site_id    INTEGER NOT NULL REFERENCES sites(id),
    day        TEXT NOT NULL,
    score      INTEGER,
    parts_json TEXT NOT NULL,
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (site_id, day)
  );

  CREATE TABLE credibility_alerts (
    id         INTEGER PRIMARY KEY,
    site_id    INTEGER NOT NULL REFERENCES sites(id),
    rule       TEXT NOT NULL,
    detail     TEXT NOT NULL,
    opened_at  INTEGER NOT NULL,
    closed_at  INTEGER,
    notified_at INTEGER
  );
  CREATE UNIQUE INDEX credibility_alerts_open ON credibility_alerts (site_id, rule) WHERE closed_at IS NULL;
  `,
  // 13: reconciliation and order pull (issue 5). recon_mappings: how a site's CSV order report
  // is read, one per site, pre-filled next time. recon_imports: an uploaded report previewed
  // against the recorded conversions (nothing applied until an operator applies it), with one
  // recon_import_rows row per order and category, and each row's outcome once applied.
  // order_pull_sources: a site's order-query URL and its schedule; order_pull_runs: every pull,
  // its window, counts and error, so a failing partner is visible.
  `
  CREATE TABLE recon_mappings (
    site_id      INTEGER PRIMARY KEY REFERENCES sites(id),
    mapping_json TEXT NOT NULL,
    headers_json TEXT NOT NULL,
    updated_at   INTEGER NOT NULL
  );

  CREATE TABLE recon_imports (
    id                 INTEGER PRIMARY KEY,
    site_id            INTEGER NOT NULL REFERENCES sites(id),
    file_name          TEXT NOT NULL,
    charset            TEXT NOT NULL,
    orders             INTEGER NOT NULL,
    period_start       INTEGER NOT NULL,
    period_end         INTEGER NOT NULL,
    mapping_json       TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'previewed' CHECK (status IN ('previewed', 'applying', 'applied')),
    created_by_user_id INTEGER REFERENCES users(id),
    created_at         INTEGER NOT NULL,
    applied_at         INTEGER,
    applied_by_user_id INTEGER REFERENCES users(id)
  );
  CREATE INDEX recon_imports_site ON recon_imports (site_id, id);

  CREATE TABLE recon_import_rows (
    import_id           INTEGER NOT NULL REFERENCES recon_imports(id),
    position            INTEGER NOT NULL,
    line                INTEGER,
    category            TEXT NOT NULL CHECK (category IN ('matched', 'mismatch', 'unknown_click', 'new', 'missing')),
    order_id            TEXT NOT NULL,
    click_token         TEXT,
    amount_minor        INTEGER,
    currency            TEXT,
    status              TEXT,
    occurred_at         INTEGER,
    portal_status       TEXT,
    portal_amount_minor INTEGER,
    portal_currency     TEXT,
    applicable          INTEGER NOT NULL,
    problem_code        TEXT,
    problem             TEXT,
    outcome             TEXT CHECK (outcome IN ('applied', 'unchanged', 'refused', 'skipped')),
    outcome_code        TEXT,
    outcome_message     TEXT,
    PRIMARY KEY (import_id, position)
  ) WITHOUT ROWID;

  CREATE TABLE order_pull_sources (
    site_id           INTEGER PRIMARY KEY REFERENCES sites(id),
    url               TEXT NOT NULL,
    interval_minutes  INTEGER NOT NULL CHECK (interval_minutes > 0),
    window_hours      INTEGER NOT NULL CHECK (window_hours > 0),
    next_pull_at      INTEGER NOT NULL,
    last_ok_window_end INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
  );
  CREATE INDEX order_pull_sources_due ON order_pull_sources (next_pull_at);

  CREATE TABLE order_pull_runs (
    id            INTEGER PRIMARY KEY,
    site_id       INTEGER NOT NULL REFERENCES sites(id),
    trigger       TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    window_start  INTEGER NOT NULL,
    window_end    INTEGER NOT NULL,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    outcome       TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'ok', 'failed')),
    http_status   INTEGER,
    format        TEXT CHECK (format IN ('json', 'csv')),
    orders        INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    refused       INTEGER NOT NULL DEFAULT 0,
    error_code    TEXT,
    error_message TEXT,
    problems_json TEXT
  );
  CREATE INDEX order_pull_runs_site ON order_pull_runs (site_id, id);
  `,
  // 14: the operators' report rollups (issue 5; src/storage/sqlite/report-rollups.ts explains who
  // writes them). report_daily: per UTC day (days since 1970-01-01) × site × deal × sub id × city ×
  // category × currency: click counts on currency '' rows (bots; duplicates that are not bots;
  // billable), money on the currency's own rows (conversions not rejected and pending/approved sale
  // amounts by the day they happened; signed commission movements per bucket by the day of their
  // event). deal_id 0 is commission of no one deal (CPC, written when a month closes). '' is "none"
  // for sub id, city and category. report_dims_daily: the same sums per day and one dimension
  // across all sites. The backfill fills both from the raw rows already stored; the triggers keep
  // the money side current for every writer; the click writer maintains the click side itself.
  `
  CREATE TABLE report_daily (
    day            INTEGER NOT NULL,
    site_id        INTEGER NOT NULL,
    deal_id        INTEGER NOT NULL,
    sub_id         TEXT NOT NULL,
    city           TEXT NOT NULL,
    category       TEXT NOT NULL,
    currency       TEXT NOT NULL,
    billable       INTEGER NOT NULL DEFAULT 0,
    bots           INTEGER NOT NULL DEFAULT 0,
    duplicates     INTEGER NOT NULL DEFAULT 0,
    conversions    INTEGER NOT NULL DEFAULT 0,
    sales_minor    INTEGER NOT NULL DEFAULT 0,
    pending_minor  INTEGER NOT NULL DEFAULT 0,
    approved_minor INTEGER NOT NULL DEFAULT 0,
    reversed_minor INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, site_id, deal_id, sub_id, city, category, currency)
  ) WITHOUT ROWID;

  CREATE TABLE report_dims_daily (
    dim            TEXT NOT NULL CHECK (dim IN ('site', 'category', 'city', 'sub')),
    day            INTEGER NOT NULL,
    value          TEXT NOT NULL,
    currency       TEXT NOT NULL,
    billable       INTEGER NOT NULL DEFAULT 0,
    bots           INTEGER NOT NULL DEFAULT 0,
    duplicates     INTEGER NOT NULL DEFAULT 0,
    conversions    INTEGER NOT NULL DEFAULT 0,
    sales_minor    INTEGER NOT NULL DEFAULT 0,
    pending_minor  INTEGER NOT NULL DEFAULT 0,
    approved_minor INTEGER NOT NULL DEFAULT 0,
    reversed_minor INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, day, value, currency)
  ) WITHOUT ROWID;

  -- Backfill from the raw rows: clicks, then conversions and commission entries together.
  INSERT INTO report_daily (day, site_id, deal_id, sub_id, city, category, currency, billable, bots, duplicates)
  SELECT k.created_at / 86400000, k.site_id, k.deal_id, ifnull(k.sub_id, ''), ifnull(k.city, ''), ifnull(d.category, ''), '',
    sum(NOT k.is_bot AND NOT k.is_duplicate), sum(k.is_bot), sum(k.is_duplicate AND NOT k.is_bot)
  FROM clicks k JOIN deals d ON d.id = k.deal_id
  GROUP BY 1, 2, 3, 4, 5, 6;

  INSERT INTO report_daily (day, site_id, deal_id, sub_id, city, category, currency,
    conversions, sales_minor, pending_minor, approved_minor, reversed_minor)
  SELECT day, site_id, deal_id, sub_id, city, category, currency, sum(conversions), sum(sales), sum(pending), sum(approved), sum(reversed)
  FROM (
    SELECT c.occurred_at / 86400000 AS day, c.site_id, k.deal_id, ifnull(k.sub_id, '') AS sub_id, ifnull(k.city, '') AS city,
      ifnull(d.category, '') AS category, c.currency, c.status <> 'rejected' AS conversions,
      CASE WHEN c.kind = 'sale' AND c.status IN ('pending', 'approved') THEN c.amount_minor ELSE 0 END AS sales,
      0 AS pending, 0 AS approved, 0 AS reversed
    FROM conversions c JOIN clicks k ON k.id = c.click_id JOIN deals d ON d.id = k.deal_id
    UNION ALL
    SELECT e.effective_at / 86400000, e.site_id, ifnull(k.deal_id, 0), ifnull(k.sub_id, ''), ifnull(k.city, ''),
      ifnull(d.category, ''), e.currency, 0, 0,
      CASE e.bucket WHEN 'pending' THEN e.amount_minor ELSE 0 END,
      CASE e.bucket WHEN 'approved' THEN e.amount_minor ELSE 0 END,
      CASE e.bucket WHEN 'reversed' THEN e.amount_minor ELSE 0 END
    FROM commission_entries e LEFT JOIN conversions c ON c.id = e.conversion_id
      LEFT JOIN clicks k ON k.id = c.click_id LEFT JOIN deals d ON d.id = k.deal_id
  )
  GROUP BY 1, 2, 3, 4, 5, 6, 7;

  INSERT INTO report_dims_daily (dim, day, value, currency, billable, bots, duplicates, conversions, sales_minor,
    pending_minor, approved_minor, reversed_minor)
  SELECT x.dim, r.day,
    CASE x.dim WHEN 'site' THEN CAST(r.site_id AS TEXT) WHEN 'category' THEN r.category WHEN 'city' THEN r.city ELSE r.sub_id END,
    r.currency, sum(r.billable), sum(r.bots), sum(r.duplicates), sum(r.conversions), sum(r.sales_minor),
    sum(r.pending_minor), sum(r.approved_minor), sum(r.reversed_minor)
  FROM report_daily r CROSS JOIN (SELECT 'site' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'city' UNION ALL SELECT 'sub') x
  GROUP BY 1, 2, 3, 4;

  -- Money rows of report_daily carry on to the dimensions (click rows are summed by the click writer).
  CREATE TRIGGER report_daily_money_insert AFTER INSERT ON report_daily WHEN NEW.currency <> '' BEGIN
    INSERT INTO report_dims_daily (dim, day, value, currency, conversions, sales_minor, pending_minor, approved_minor, reversed_minor)
    VALUES
      ('site', NEW.day, CAST(NEW.site_id AS TEXT), NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor),
      ('category', NEW.day, NEW.category, NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor),
      ('city', NEW.day, NEW.city, NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor),
      ('sub', NEW.day, NEW.sub_id, NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor)
    ON CONFLICT (dim, day, value, currency) DO UPDATE SET
      conversions = conversions + excluded.conversions, sales_minor = sales_minor + excluded.sales_minor,
      pending_minor = pending_minor + excluded.pending_minor, approved_minor = approved_minor + excluded.approved_minor,
      reversed_minor = reversed_minor + excluded.reversed_minor;
  END;
  CREATE TRIGGER report_daily_money_update AFTER UPDATE ON report_daily WHEN NEW.currency <> '' BEGIN
    INSERT INTO report_dims_daily (dim, day, value, currency, conversions, sales_minor, pending_minor, approved_minor, reversed_minor)
    SELECT dim, NEW.day, value, NEW.currency, NEW.conversions - OLD.conversions, NEW.sales_minor - OLD.sales_minor,
      NEW.pending_minor - OLD.pending_minor, NEW.approved_minor - OLD.approved_minor, NEW.reversed_minor - OLD.reversed_minor
    FROM (SELECT 'site' AS dim, CAST(NEW.site_id AS TEXT) AS value UNION ALL SELECT 'category', NEW.category
      UNION ALL SELECT 'city', NEW.city UNION ALL SELECT 'sub', NEW.sub_id)
    WHERE true
    ON CONFLICT (dim, day, value, currency) DO UPDATE SET
      conversions = conversions + excluded.conversions, sales_minor = sales_minor + excluded.sales_minor,
      pending_minor = pending_minor + excluded.pending_minor, approved_minor = approved_minor + excluded.approved_minor,
      reversed_minor = reversed_minor + excluded.reversed_minor;
  END;

  -- A conversion counts on the day it happened, under its click's deal, sub id and city.
  CREATE TRIGGER report_conversion_insert AFTER INSERT ON conversions BEGIN
    INSERT INTO report_daily (day, site_id, deal_id, sub_id, city, category, currency, conversions, sales_minor)
    SELECT NEW.occurred_at / 86400000, NEW.site_id, k.deal_id, ifnull(k.sub_id, ''), ifnull(k.city, ''), ifnull(d.category, ''),
      NEW.currency, NEW.status <> 'rejected',
      CASE WHEN NEW.kind = 'sale' AND NEW.status IN ('pending', 'approved') THEN NEW.amount_minor ELSE 0 END
    FROM clicks k JOIN deals d ON d.id = k.deal_id WHERE k.id = NEW.click_id
    ON CONFLICT (day, site_id, deal_id, sub_id, city, category, currency) DO UPDATE SET
      conversions = conversions + excluded.conversions, sales_minor = sales_minor + excluded.sales_minor;
  END;
  -- A status or amount change moves the counts of the conversion's own day.
  CREATE TRIGGER report_conversion_update AFTER UPDATE OF status, amount_minor ON conversions
  WHEN NEW.status IS NOT OLD.status OR NEW.amount_minor IS NOT OLD.amount_minor BEGIN
    INSERT INTO report_daily (day, site_id, deal_id, sub_id, city, category, currency, conversions, sales_minor)
    SELECT NEW.occurred_at / 86400000, NEW.site_id, k.deal_id, ifnull(k.sub_id, ''), ifnull(k.city, ''), ifnull(d.category, ''),
      NEW.currency, (NEW.status <> 'rejected') - (OLD.status <> 'rejected'),
      (CASE WHEN NEW.kind = 'sale' AND NEW.status IN ('pending', 'approved') THEN NEW.amount_minor ELSE 0 END)
        - (CASE WHEN OLD.kind = 'sale' AND OLD.status IN ('pending', 'approved') THEN OLD.amount_minor ELSE 0 END)
    FROM clicks k JOIN deals d ON d.id = k.deal_id WHERE k.id = NEW.click_id
    ON CONFLICT (day, site_id, deal_id, sub_id, city, category, currency) DO UPDATE SET
      conversions = conversions + excluded.conversions, sales_minor = sales_minor + excluded.sales_minor;
  END;
  -- A ledger entry counts on the day of its event (CPC entries: the month's last day, deal 0).
  CREATE TRIGGER report_commission_insert AFTER INSERT ON commission_entries BEGIN
    INSERT INTO report_daily (day, site_id, deal_id, sub_id, city, category, currency, pending_minor, approved_minor, reversed_minor)
    SELECT NEW.effective_at / 86400000, NEW.site_id, ifnull(k.deal_id, 0), ifnull(k.sub_id, ''), ifnull(k.city, ''),
      ifnull(d.category, ''), NEW.currency,
      CASE NEW.bucket WHEN 'pending' THEN NEW.amount_minor ELSE 0 END,
      CASE NEW.bucket WHEN 'approved' THEN NEW.amount_minor ELSE 0 END,
      CASE NEW.bucket WHEN 'reversed' THEN NEW.amount_minor ELSE 0 END
    FROM (SELECT NEW.conversion_id AS conversion_id) e LEFT JOIN conversions c ON c.id = e.conversion_id
      LEFT JOIN clicks k ON k.id = c.click_id LEFT JOIN deals d ON d.id = k.deal_id
    WHERE true
    ON CONFLICT (day, site_id, deal_id, sub_id, city, category, currency) DO UPDATE SET
      pending_minor = pending_minor + excluded.pending_minor, approved_minor = approved_minor + excluded.approved_minor,
      reversed_minor = reversed_minor + excluded.reversed_minor;
  END;
  `,
  // 15: each site's current credibility score on the site itself, where the listing (which joins
  // sites already) filters on it and breaks ties of a sort with it. Null: not scored yet, or too
  // little data. Written by each recompute beside its credibility_scores history row.
  `
  ALTER TABLE sites ADD COLUMN credibility_score INTEGER CHECK (credibility_score BETWEEN 0 AND 100);
  UPDATE sites SET credibility_score = (
    SELECT c.score FROM credibility_scores c WHERE c.site_id = sites.id ORDER BY c.day DESC LIMIT 1);
  `,
  // 16: an operator may disable a site owner's account: no sign-in, and every session ends.
  // Null: the account works. Its sites, tokens and history stay as they are.
  `
  ALTER TABLE users ADD COLUMN disabled_at INTEGER;
  `,
  // 17: the reports' top-sites chart sums each site's commission over the range. Without this the
  // sum read every dimension row of the range (click rows too) and sorted them in a temp B-tree;
  // this partial covering index holds only money rows, in (currency, site) order, so the GROUP BY
  // streams (about 4× faster over 180 days at 10M clicks).
  `
  CREATE INDEX report_dims_money ON report_dims_daily (dim, currency, value, day, pending_minor, approved_minor, reversed_minor)
    WHERE currency <> '';
  `,
  // 18: "newest" sorts by published_at, which was the feed's start date when it gave one: a feed
  // dating its deals in the future stayed at the top. It is now the earlier of the start and the
  // crawler's first sighting (deals.ts); rows written before are brought down to that.
  `
  UPDATE deals SET published_at = first_seen_at WHERE published_at > first_seen_at;
  `,
  // 19: a partner's order report may say whether each order is a sale or a lead (the mapping's
  // kind column); a previewed row keeps it until it is applied. Null in older rows: a sale.
  `
  ALTER TABLE recon_import_rows ADD COLUMN kind TEXT CHECK (kind IN ('sale', 'lead'));
  `,
  // 20: clicks are rolled up into the reports after they are committed, not inside the click
  // writer's transaction (report-rollups.ts, rollUpClicks): report_click_rollup holds the last
  // click id folded in; everything committed before this migration already was. A click keeps the
  // deal's category at the time of the click ('' for none; null: clicked before this column, read
  // as the deal's category), so commission terms per category and the reports file a click and its
  // conversions under the category the shopper saw. The conversion and commission triggers of 14
  // are made again to read it.
  `
  ALTER TABLE clicks ADD COLUMN category TEXT;

  CREATE TABLE report_click_rollup (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_click_id INTEGER NOT NULL
  );
  INSERT INTO report_click_rollup (id, last_click_id) SELECT 1, ifnull(max(id), 0) FROM clicks;

  DROP TRIGGER report_conversion_insert;
  DROP TRIGGER report_conversion_update;
  DROP TRIGGER report_commission_insert;
  CREATE TRIGGER report_conversion_insert AFTER INSERT ON conversions BEGIN
    INSERT INTO report_daily (day, site_id, deal_id, sub_id, city, category, currency, conversions, sales_minor)
    SELECT NEW.occurred_at / 86400000, NEW.site_id, k.deal_id, ifnull(k.sub_id, ''), ifnull(k.city, ''),
      coalesce(k.category, (SELECT d.category FROM deals d WHERE d.id = k.deal_id), ''),
      NEW.currency, NEW.status <> 'rejected',
      CASE WHEN NEW.kind = 'sale' AND NEW.status IN ('pending', 'approved') THEN NEW.amount_minor ELSE 0 END
    FROM clicks k WHERE k.id = NEW.click_id
    ON CONFLICT (day, site_id, deal_id, sub_id, city, category, currency) DO UPDATE SET
      conversions = conversions + excluded.conversions, sales_minor = sales_minor + excluded.sales_minor;
  END;
  CREATE TRIGGER report_conversion_update AFTER UPDATE OF status, amount_minor ON conversions
  WHEN NEW.status IS NOT OLD.status OR NEW.amount_minor IS NOT OLD.amount_minor BEGIN
    INSERT INTO report_daily (day, site_id, deal_id, sub_id, city, category, currency, conversions, sales_minor)
    SELECT NEW.occurred_at / 86400000, NEW.site_id, k.deal_id, ifnull(k.sub_id, ''), ifnull(k.city, ''),
      coalesce(k.category, (SELECT d.category FROM deals d WHERE d.id = k.deal_id), ''),
      NEW.currency, (NEW.status <> 'rejected') - (OLD.status <> 'rejected'),
      (CASE WHEN NEW.kind = 'sale' AND NEW.status IN ('pending', 'approved') THEN NEW.amount_minor ELSE 0 END)
        - (CASE WHEN OLD.kind = 'sale' AND OLD.status IN ('pending', 'approved') THEN OLD.amount_minor ELSE 0 END)
    FROM clicks k WHERE k.id = NEW.click_id
    ON CONFLICT (day, site_id, deal_id, sub_id, city, category, currency) DO UPDATE SET
      conversions = conversions + excluded.conversions, sales_minor = sales_minor + excluded.sales_minor;
  END;
  CREATE TRIGGER report_commission_insert AFTER INSERT ON commission_entries BEGIN
    INSERT INTO report_daily (day, site_id, deal_id, sub_id, city, category, currency, pending_minor, approved_minor, reversed_minor)
    SELECT NEW.effective_at / 86400000, NEW.site_id, ifnull(k.deal_id, 0), ifnull(k.sub_id, ''), ifnull(k.city, ''),
      coalesce(k.category, (SELECT d.category FROM deals d WHERE d.id = k.deal_id), ''), NEW.currency,
      CASE NEW.bucket WHEN 'pending' THEN NEW.amount_minor ELSE 0 END,
      CASE NEW.bucket WHEN 'approved' THEN NEW.amount_minor ELSE 0 END,
      CASE NEW.bucket WHEN 'reversed' THEN NEW.amount_minor ELSE 0 END
    FROM (SELECT NEW.conversion_id AS conversion_id) e LEFT JOIN conversions c ON c.id = e.conversion_id
      LEFT JOIN clicks k ON k.id = c.click_id
    WHERE true
    ON CONFLICT (day, site_id, deal_id, sub_id, city, category, currency) DO UPDATE SET
      pending_minor = pending_minor + excluded.pending_minor, approved_minor = approved_minor + excluded.approved_minor,
      reversed_minor = reversed_minor + excluded.reversed_minor;
  END;
  `,
  // 21: what the reports need to price CPC commission of open months without reading every deal's
  // row: billable clicks per UTC day × site × category, on dim 'all' (value ''), and per city and
  // per sub id of that site and category (dims 'city', 'sub'). Keyed by (day, site) first, as the
  // CPC prices are; only rows with billable clicks. Kept by the click roll-up pass
  // (report-rollups.ts); filled here from report_daily's click rows (currency '').
  `
  CREATE TABLE report_billable_daily (
    day      INTEGER NOT NULL,
    site_id  INTEGER NOT NULL,
    dim      TEXT NOT NULL CHECK (dim IN ('all', 'city', 'sub')),
    category TEXT NOT NULL,
    value    TEXT NOT NULL,
    billable INTEGER NOT NULL,
    PRIMARY KEY (day, site_id, dim, category, value)
  ) WITHOUT ROWID;

  INSERT INTO report_billable_daily (day, site_id, dim, category, value, billable)
  SELECT r.day, r.site_id, x.dim, r.category, CASE x.dim WHEN 'city' THEN r.city WHEN 'sub' THEN r.sub_id ELSE '' END, sum(r.billable)
  FROM report_daily r CROSS JOIN (SELECT 'all' AS dim UNION ALL SELECT 'city' UNION ALL SELECT 'sub') x
  WHERE r.currency = '' AND r.billable > 0
  GROUP BY 1, 2, 3, 4, 5;
  `,
  // 22: one site's report by category, city or sub id (or by site) read every deal's report_daily
  // rows of the range (400k for a site of 2,000 deals over 180 days). report_site_dims_daily holds
  // report_dims_daily's sums per site: per UTC day × site × one dimension (category, city, sub id)
  // × currency, keyed by site and dimension first, so such a report is one range seek. Adding
  // site_id to report_dims_daily instead would make the across-sites reports sum over every site
  // (up to 2,000 rows where there is one now). Kept like report_dims_daily: clicks by the roll-up
  // pass (report-rollups.ts), money by report_daily's money triggers of 14, made again here to
  // carry their rows to both tables; filled here from report_daily.
  `
  CREATE TABLE report_site_dims_daily (
    site_id        INTEGER NOT NULL,
    dim            TEXT NOT NULL CHECK (dim IN ('category', 'city', 'sub')),
    day            INTEGER NOT NULL,
    value          TEXT NOT NULL,
    currency       TEXT NOT NULL,
    billable       INTEGER NOT NULL DEFAULT 0,
    bots           INTEGER NOT NULL DEFAULT 0,
    duplicates     INTEGER NOT NULL DEFAULT 0,
    conversions    INTEGER NOT NULL DEFAULT 0,
    sales_minor    INTEGER NOT NULL DEFAULT 0,
    pending_minor  INTEGER NOT NULL DEFAULT 0,
    approved_minor INTEGER NOT NULL DEFAULT 0,
    reversed_minor INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, dim, day, value, currency)
  ) WITHOUT ROWID;

  INSERT INTO report_site_dims_daily (site_id, dim, day, value, currency, billable, bots, duplicates, conversions, sales_minor,
    pending_minor, approved_minor, reversed_minor)
  SELECT r.site_id, x.dim, r.day, CASE x.dim WHEN 'category' THEN r.category WHEN 'city' THEN r.city ELSE r.sub_id END,
    r.currency, sum(r.billable), sum(r.bots), sum(r.duplicates), sum(r.conversions), sum(r.sales_minor),
    sum(r.pending_minor), sum(r.approved_minor), sum(r.reversed_minor)
  FROM report_daily r CROSS JOIN (SELECT 'category' AS dim UNION ALL SELECT 'city' UNION ALL SELECT 'sub') x
  GROUP BY 1, 2, 3, 4, 5;

  DROP TRIGGER report_daily_money_insert;
  DROP TRIGGER report_daily_money_update;
  CREATE TRIGGER report_daily_money_insert AFTER INSERT ON report_daily WHEN NEW.currency <> '' BEGIN
    INSERT INTO report_dims_daily (dim, day, value, currency, conversions, sales_minor, pending_minor, approved_minor, reversed_minor)
    VALUES
      ('site', NEW.day, CAST(NEW.site_id AS TEXT), NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor),
      ('category', NEW.day, NEW.category, NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor),
      ('city', NEW.day, NEW.city, NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor),
      ('sub', NEW.day, NEW.sub_id, NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor)
    ON CONFLICT (dim, day, value, currency) DO UPDATE SET
      conversions = conversions + excluded.conversions, sales_minor = sales_minor + excluded.sales_minor,
      pending_minor = pending_minor + excluded.pending_minor, approved_minor = approved_minor + excluded.approved_minor,
      reversed_minor = reversed_minor + excluded.reversed_minor;
    INSERT INTO report_site_dims_daily (site_id, dim, day, value, currency, conversions, sales_minor, pending_minor, approved_minor, reversed_minor)
    VALUES
      (NEW.site_id, 'category', NEW.day, NEW.category, NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor),
      (NEW.site_id, 'city', NEW.day, NEW.city, NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor),
      (NEW.site_id, 'sub', NEW.day, NEW.sub_id, NEW.currency, NEW.conversions, NEW.sales_minor, NEW.pending_minor, NEW.approved_minor, NEW.reversed_minor)
    ON CONFLICT (site_id, dim, day, value, currency) DO UPDATE SET
      conversions = conversions + excluded.conversions, sales_minor = sales_minor + excluded.sales_minor,
      pending_minor = pending_minor + excluded.pending_minor, approved_minor = approved_minor + excluded.approved_minor,
      reversed_minor = reversed_minor + excluded.reversed_minor;
  END;
  CREATE TRIGGER report_daily_money_update AFTER UPDATE ON report_daily WHEN NEW.currency <> '' BEGIN
    INSERT INTO report_dims_daily (dim, day, value, currency, conversions, sales_minor, pending_minor, approved_minor, reversed_minor)
    SELECT dim, NEW.day, value, NEW.currency, NEW.conversions - OLD.conversions, NEW.sales_minor - OLD.sales_minor,
      NEW.pending_minor - OLD.pending_minor, NEW.approved_minor - OLD.approved_minor, NEW.reversed_minor - OLD.reversed_minor
    FROM (SELECT 'site' AS dim, CAST(NEW.site_id AS TEXT) AS value UNION ALL SELECT 'category', NEW.category
      UNION ALL SELECT 'city', NEW.city UNION ALL SELECT 'sub', NEW.sub_id)
    WHERE true
    ON CONFLICT (dim, day, value, currency) DO UPDATE SET
      conversions = conversions + excluded.conversions, sales_minor = sales_minor + excluded.sales_minor,
      pending_minor = pending_minor + excluded.pending_minor, approved_minor = approved_minor + excluded.approved_minor,
      reversed_minor = reversed_minor + excluded.reversed_minor;
    INSERT INTO report_site_dims_daily (site_id, dim, day, value, currency, conversions, sales_minor, pending_minor, approved_minor, reversed_minor)
    SELECT NEW.site_id, dim, NEW.day, value, NEW.currency, NEW.conversions - OLD.conversions, NEW.sales_minor - OLD.sales_minor,
      NEW.pending_minor - OLD.pending_minor, NEW.approved_minor - OLD.approved_minor, NEW.reversed_minor - OLD.reversed_minor
    FROM (SELECT 'category' AS dim, NEW.category AS value UNION ALL SELECT 'city', NEW.city UNION ALL SELECT 'sub', NEW.sub_id)
    WHERE true
    ON CONFLICT (site_id, dim, day, value, currency) DO UPDATE SET
      conversions = conversions + excluded.conversions, sales_minor = sales_minor + excluded.sales_minor,
      pending_minor = pending_minor + excluded.pending_minor, approved_minor = approved_minor + excluded.approved_minor,
      reversed_minor = reversed_minor + excluded.reversed_minor;
  END;
  `,
];

/** Applies every migration not yet applied, each in its own transaction. Returns the new version. */
export function migrate(db: SqliteDatabase): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > migrations.length) {
    throw new Error(`storage: database schema version ${from} is newer than this dealnav (${migrations.length})`);
  }
  for (let version = from + 1; version <= migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version - 1]!);
      db.pragma(`user_version = ${version}`);
    })();
  }
  return { from, to: migrations.length };
}

export const schemaVersion = migrations.length;

/** One migration's SQL, so a test can re-run a backfill on a database that already holds raw rows. */
export const migrationSql = (version: number): string => migrations[version - 1] ?? '';
