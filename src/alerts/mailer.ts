// Outgoing mail: through SMTP with nodemailer when DEALNAV_SMTP_URL is set, else written to the
// log so that alerts still work (and can be tried) on a server without mail.
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  /** False when mails are only logged, so pages can say that nothing reaches an inbox. */
  readonly delivers: boolean;
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

export class SmtpMailer implements Mailer {
  readonly delivers = true;
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...message });
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

export class LogMailer implements Mailer {
  readonly delivers = false;

  constructor(private readonly log: (line: string) => void = console.log) {}

  async send(message: MailMessage): Promise<void> {
    this.log([
      `alerts: mail not sent (DEALNAV_SMTP_URL is not set); it would have gone to ${message.to}`,
      `Subject: ${message.subject}`,
      ...Object.entries(message.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      '',
      message.text,
    ].join('\n'));
  }

  async close(): Promise<void> {}
}

export function createMailer(settings: { smtpUrl: string | null; from: string }, log?: (line: string) => void): Mailer {
  return settings.smtpUrl ? new SmtpMailer(settings.smtpUrl, settings.from) : new LogMailer(log);
}
