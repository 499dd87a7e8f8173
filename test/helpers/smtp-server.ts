// A real SMTP server on loopback that keeps every mail it receives, parsed, for alert tests.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail extends ParsedMail {
  /** The envelope recipients (RCPT TO). */
  envelopeTo: string[];
}

export interface TestSmtpServer {
  url: string;
  mails: CapturedMail[];
  /** Mails received since the last call. */
  take(): CapturedMail[];
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const mails: CapturedMail[] = [];
  let taken = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // The reply to DATA waits for the parse, so a mail is in `mails` when nodemailer's send resolves.
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push(Object.assign(mail, { envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address) }));
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    take() {
      const fresh = mails.slice(taken);
      taken = mails.length;
      return fresh;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
