// Alert settings from the environment, with the defaults the README documents.
export interface AlertSettings {
  /** `smtp://127.0.0.1:2525`, `smtps://user:pass@mail.example.com`; null logs mails instead. */
  smtpUrl: string | null;
  from: string;
  /** Origin for the links in mails; null until the server knows its own address. */
  publicUrl: string | null;
  /** Hour of the day (0–23) the digest run starts, in `timeZone`. */
  digestHour: number;
  timeZone: string;
}

export const DEFAULT_MAIL_FROM = 'dealnav <alerts@localhost>';

export function alertSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AlertSettings {
  const hour = env.DEALNAV_ALERT_HOUR ?? '8';
  if (!/^([01]?[0-9]|2[0-3])$/.test(hour)) throw new Error(`alerts: DEALNAV_ALERT_HOUR must be an hour from 0 to 23, not '${hour}'`);
  const timeZone = env.DEALNAV_ALERT_TIME_ZONE || 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new Error(`alerts: DEALNAV_ALERT_TIME_ZONE is not a time zone: '${timeZone}'`);
  }
  return {
    smtpUrl: env.DEALNAV_SMTP_URL || null,
    from: env.DEALNAV_MAIL_FROM || DEFAULT_MAIL_FROM,
    publicUrl: env.DEALNAV_PUBLIC_URL ? publicOrigin(env.DEALNAV_PUBLIC_URL) : null,
    digestHour: Number(hour),
    timeZone,
  };
}

/** `https://deals.example.com/` → `https://deals.example.com`; anything but http(s) is refused. */
export function publicOrigin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`alerts: DEALNAV_PUBLIC_URL is not a URL: '${url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`alerts: DEALNAV_PUBLIC_URL must be http(s): '${url}'`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** The server's own address as a browser would write it: `http://127.0.0.1:3000`, `http://[::1]:3000`. */
export function listenOrigin(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}
