// Creating accounts, checking passwords (throttled) and changing them. The web pages and the CLI
// both come through here, so the rules on passwords hold everywhere.
import type { Storage, User, UserRole } from '../storage';
import { burnPasswordCheck, hashPassword, needsRehash, passwordProblem, verifyPassword, type PasswordProblem } from './passwords';
import type { SignInThrottle } from './throttle';

export type CreateUserResult =
  | { ok: true; user: User }
  | { ok: false; field: 'email'; problem: 'taken' }
  | { ok: false; field: 'password'; problem: PasswordProblem };

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; problem: 'invalid' }
  | { ok: false; problem: 'throttled'; retryAt: Date };

export type ChangePasswordResult =
  | { ok: true }
  | { ok: false; field: 'currentPassword'; problem: 'wrong' }
  | { ok: false; field: 'newPassword'; problem: PasswordProblem | 'same' };

export class AccountService {
  constructor(
    private readonly storage: Storage,
    private readonly throttle: SignInThrottle,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async createUser(email: string, password: string, role: UserRole): Promise<CreateUserResult> {
    const problem = passwordProblem(password, email);
    if (problem) return { ok: false, field: 'password', problem };
    if (await this.storage.users.findByEmail(email)) return { ok: false, field: 'email', problem: 'taken' };
    const user = await this.storage.users.create({ email, passwordHash: await hashPassword(password), role, now: this.clock() });
    // Lost a race with another sign-up for the same address.
    return user ? { ok: true, user } : { ok: false, field: 'email', problem: 'taken' };
  }

  async signIn(email: string, password: string, ip: string): Promise<SignInResult> {
    const now = this.clock();
    const retryAt = await this.throttle.blockedUntil(email, ip, now);
    if (retryAt) return { ok: false, problem: 'throttled', retryAt };
    const user = await this.storage.users.findByEmail(email);
    const valid = user ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
    // A disabled account answers as a wrong password does, after the same work.
    if (!user || !valid || user.disabledAt) {
      await this.throttle.recordFailure(email, ip, now);
      return { ok: false, problem: 'invalid' };
    }
    await this.throttle.recordSuccess(email);
    if (needsRehash(user.passwordHash)) await this.storage.users.setPasswordHash(user.id, await hashPassword(password));
    const { passwordHash: _omitted, disabledAt: _disabled, ...plain } = user;
    return { ok: true, user: plain };
  }

  async changePassword(userId: number, currentPassword: string, newPassword: string): Promise<ChangePasswordResult> {
    const user = await this.storage.users.findById(userId);
    if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) return { ok: false, field: 'currentPassword', problem: 'wrong' };
    if (newPassword === currentPassword) return { ok: false, field: 'newPassword', problem: 'same' };
    const problem = passwordProblem(newPassword, user.email);
    if (problem) return { ok: false, field: 'newPassword', problem };
    await this.storage.users.setPasswordHash(userId, await hashPassword(newPassword));
    return { ok: true };
  }
}
