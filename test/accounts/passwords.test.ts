import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from '../../src/accounts/passwords';
import { ACCOUNT_POLICY, delayAfter } from '../../src/accounts/throttle';

describe('passwords', () => {
  it('hashes with a per-user salt and the parameters in the string, and verifies', async () => {
    const weak = { logN: 10, r: 8, p: 1 };
    const [a, b] = await Promise.all([hashPassword('the same phrase here', weak), hashPassword('the same phrase here', weak)]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(await verifyPassword('the same phrase here', a)).toBe(true);
    expect(await verifyPassword('the same phrase herE', a)).toBe(false);
    expect(await verifyPassword('anything', 'not a hash')).toBe(false);
    expect(needsRehash(a)).toBe(true);
  });

  it('refuses short, common and email-like passwords', () => {
    expect(passwordProblem('short', 'a@example.com')).toBe('tooShort');
    expect(passwordProblem('Password1234', 'a@example.com')).toBe('common');
    expect(passwordProblem('alice.wonder-2024!', 'alice.wonder@example.com')).toBe('containsEmail');
    expect(passwordProblem('plum orchard at dawn', 'a@example.com')).toBeNull();
  });

  it('doubles the sign-in delay after the free failures, up to the ceiling', () => {
    expect(delayAfter(ACCOUNT_POLICY.freeFailures - 1, ACCOUNT_POLICY)).toBe(0);
    expect(delayAfter(ACCOUNT_POLICY.freeFailures, ACCOUNT_POLICY)).toBe(30_000);
    expect(delayAfter(ACCOUNT_POLICY.freeFailures + 1, ACCOUNT_POLICY)).toBe(60_000);
    expect(delayAfter(ACCOUNT_POLICY.freeFailures + 50, ACCOUNT_POLICY)).toBe(15 * 60_000);
  });
});
