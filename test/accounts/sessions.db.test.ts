// Sessions on the real file: hashed ids, idle and absolute expiry, ending the others.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccountServices, type AccountServices } from '../../src/accounts/services';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/accounts/sessions';
import { sha256 } from '../../src/accounts/secrets';
import { openStorage, type Storage, type User } from '../../src/storage';
import { GOOD_PASSWORD } from '../helpers/browser-session';
import { makeTempDir } from '../helpers/temp-dir';

describe('sessions', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let services: AccountServices;
  let now: Date;
  let user: User;

  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('sessions.db'));
    now = new Date('2030-01-01T08:00:00Z');
    services = await createAccountServices(storage, () => now);
    const created = await services.accounts.createUser('s@example.com', GOOD_PASSWORD, 'owner');
    if (!created.ok) throw new Error('no user');
    user = created.user;
  });
  afterEach(async () => { await storage.close(); dir.remove(); });

  const later = (ms: number) => { now = new Date(now.getTime() + ms); };

  it('stores only the hash of the cookie value and resumes by the value', async () => {
    const { cookieValue, idHash } = await services.sessions.start(user.id, 'agent');
    expect(idHash).toBe(sha256(cookieValue));
    expect(await storage.sessions.findWithUser(cookieValue)).toBeNull();
    expect((await services.sessions.resume(cookieValue))?.user.email).toBe('s@example.com');
    expect(await services.sessions.resume(idHash)).toBeNull();
  });

  it('ends after the idle limit without requests', async () => {
    const { cookieValue } = await services.sessions.start(user.id, undefined);
    later(SESSION_IDLE_MS - 60_000);
    expect(await services.sessions.resume(cookieValue)).not.toBeNull();
    later(SESSION_IDLE_MS - 60_000); // still alive: the last request moved the idle clock
    expect(await services.sessions.resume(cookieValue)).not.toBeNull();
    later(SESSION_IDLE_MS);
    expect(await services.sessions.resume(cookieValue)).toBeNull();
    expect(await storage.sessions.countForUser(user.id)).toBe(0);
  });

  it('ends at the absolute limit however active', async () => {
    const { cookieValue } = await services.sessions.start(user.id, undefined);
    for (let elapsed = 0; elapsed < SESSION_ABSOLUTE_MS - SESSION_IDLE_MS; elapsed += SESSION_IDLE_MS / 2) {
      later(SESSION_IDLE_MS / 2);
      expect(await services.sessions.resume(cookieValue)).not.toBeNull();
    }
    later(SESSION_IDLE_MS);
    expect(await services.sessions.resume(cookieValue)).toBeNull();
  });

  it('ends every other session of a user and leaves the one kept', async () => {
    const kept = await services.sessions.start(user.id, undefined);
    await services.sessions.start(user.id, undefined);
    await services.sessions.start(user.id, undefined);
    expect(await services.sessions.endOthers(user.id, kept.idHash)).toBe(2);
    expect(await services.sessions.resume(kept.cookieValue)).not.toBeNull();
  });

  it('keeps throttling across a restart: the counter is in the file', async () => {
    for (let attempt = 0; attempt < 5; attempt++) await services.accounts.signIn('s@example.com', `nope ${attempt}`, '10.0.0.1');
    await storage.close();
    storage = openStorage(dir.file('sessions.db'));
    services = await createAccountServices(storage, () => now);
    const result = await services.accounts.signIn('s@example.com', GOOD_PASSWORD, '10.0.0.2');
    expect(result).toMatchObject({ ok: false, problem: 'throttled' });
    later(30_000);
    expect(await services.accounts.signIn('s@example.com', GOOD_PASSWORD, '10.0.0.2')).toMatchObject({ ok: true });
  });
});
