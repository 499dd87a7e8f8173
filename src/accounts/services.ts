// The account services over one storage, built the same way for the web app and the CLI.
import { randomBytes } from 'node:crypto';
import type { Storage } from '../storage';
import { AccountService } from './account-service';
import { AuditService } from './audit';
import { SessionService } from './sessions';
import { SignInThrottle } from './throttle';
import { SiteTokenService } from './tokens';

export interface AccountServices {
  accounts: AccountService;
  sessions: SessionService;
  audit: AuditService;
  siteTokens: SiteTokenService;
}

export const newSecretKey = (): string => randomBytes(32).toString('base64url');

export async function createAccountServices(storage: Storage, clock: () => Date = () => new Date()): Promise<AccountServices> {
  const audit = new AuditService(storage.auditLog, clock);
  const throttle = new SignInThrottle(storage.signInThrottle, await storage.settings.getOrCreate('sign_in_throttle_key', newSecretKey));
  return {
    audit,
    accounts: new AccountService(storage, throttle, clock),
    sessions: new SessionService(storage, clock),
    siteTokens: new SiteTokenService(storage, audit, clock),
  };
}
