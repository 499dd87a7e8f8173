import { alertSettingsFromEnv, listenOrigin } from '../../alerts/config';
import { createMailer } from '../../alerts/mailer';
import { AlertService } from '../../alerts/subscription-service';
import { resolveDbPath, resolveHost, resolvePort } from '../../config';
import { openStorage } from '../../storage';
import { commonHelp, dbOption, UsageError, stringValue, type Command } from '../command';

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'email alerts: send the digests that are due now',
  help: `Usage: dealnav alerts send [--db PATH]

Runs one digest pass now, as the server does once a day: every confirmed alert that has not had
a mail in the last day gets one with the deals first seen since its last mail, if there are any.

Mail goes through DEALNAV_SMTP_URL (from DEALNAV_MAIL_FROM); without it, each mail is printed
here instead of being sent. Links in mails start with DEALNAV_PUBLIC_URL (default
http://HOST:PORT, from the same settings as dealnav serve).

${commonHelp.db}`,
  options: dbOption,
  async run(values, positionals) {
    if (positionals.length !== 1 || positionals[0] !== 'send') throw new UsageError(`expected 'dealnav alerts send'`);
    const settings = alertSettingsFromEnv();
    const storage = openStorage(resolveDbPath(stringValue(values, 'db')));
    const mailer = createMailer(settings);
    try {
      const publicUrl = settings.publicUrl ?? listenOrigin(resolveHost(undefined), resolvePort(undefined));
      const alerts = await AlertService.create(storage, mailer, publicUrl);
      const report = await alerts.sendDigests(new Date());
      console.log(`alerts: ${report.checked} due, ${report.sent} sent, ${report.empty} with nothing new, ${report.failed} failed`
        + (mailer.delivers ? '' : ' (DEALNAV_SMTP_URL is not set: mails were printed, not sent)'));
      return report.failed > 0 ? 1 : 0;
    } finally {
      await mailer.close();
      await storage.close();
    }
  },
};
