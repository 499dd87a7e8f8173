// Credibility settings from the environment, with the defaults the README documents.
import { DEFAULT_THRESHOLDS, type AlertThresholds } from './alert-rules';

export interface CredibilitySettings {
  thresholds: AlertThresholds;
  /** Deals whose links are checked per site per day. */
  linksPerSite: number;
  /** Hour (0–23, in timeZone) of the daily recompute and digest. */
  hour: number;
  timeZone: string;
  /** Digest recipient; used only when SMTP is configured. */
  digestEmail: string | null;
  /** Digest webhook (JSON POST). */
  webhookUrl: string | null;
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, check: (value: number) => boolean): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new Error(`credibility: ${name} is out of range: '${raw}'`);
  return value;
}

export function credibilitySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): CredibilitySettings {
  const suspend = env.DEALNAV_CRED_SUSPEND_BELOW;
  return {
    thresholds: {
      feedFailingHours: number(env, 'DEALNAV_CRED_FEED_FAILING_HOURS', DEFAULT_THRESHOLDS.feedFailingHours, (v) => v > 0),
      deadLinkRate: number(env, 'DEALNAV_CRED_DEAD_LINK_RATE', DEFAULT_THRESHOLDS.deadLinkRate, (v) => v > 0 && v <= 1),
      minLinkChecks: DEFAULT_THRESHOLDS.minLinkChecks,
      priceMismatches: number(env, 'DEALNAV_CRED_PRICE_MISMATCHES', DEFAULT_THRESHOLDS.priceMismatches, (v) => Number.isInteger(v) && v > 0),
      reportsPerDay: number(env, 'DEALNAV_CRED_REPORTS_PER_DAY', DEFAULT_THRESHOLDS.reportsPerDay, (v) => Number.isInteger(v) && v > 0),
      suspendBelowScore: suspend === undefined || suspend === ''
        ? null : number(env, 'DEALNAV_CRED_SUSPEND_BELOW', 0, (v) => Number.isInteger(v) && v >= 1 && v <= 100),
    },
    linksPerSite: number(env, 'DEALNAV_CRED_LINKS_PER_SITE', 20, (v) => Number.isInteger(v) && v >= 0 && v <= 1000),
    hour: number(env, 'DEALNAV_CRED_HOUR', 5, (v) => Number.isInteger(v) && v >= 0 && v <= 23),
    timeZone: env.DEALNAV_ALERT_TIME_ZONE || 'Asia/Shanghai',
    digestEmail: env.DEALNAV_CRED_DIGEST_EMAIL || null,
    webhookUrl: env.DEALNAV_CRED_WEBHOOK_URL || null,
  };
}
