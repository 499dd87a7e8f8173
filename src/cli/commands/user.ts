import { PASSWORD_MIN_LENGTH } from '../../accounts/passwords';
import { createAccountServices } from '../../accounts/services';
import { resolveDbPath } from '../../config';
import { openStorage, type Storage, type UserRole } from '../../storage';
import { commonHelp, dbOption, stringValue, UsageError, type Command } from '../command';
import { readNewPassword } from '../read-password';

const passwordProblems: Record<string, string> = {
  tooShort: `the password needs at least ${PASSWORD_MIN_LENGTH} characters`,
  tooLong: 'the password may have at most 256 characters',
  common: 'that password is one of the most common ones; choose another',
  containsEmail: 'the password must not contain the email address',
};

export const userCommand: Command = {
  name: 'user',
  summary: 'add operators and site owners, or list the users',
  help: `Usage:
  dealnav user add --operator EMAIL [--password-stdin] [--db PATH]
  dealnav user add --owner EMAIL [--password-stdin] [--db PATH]
  dealnav user list [--db PATH]

add    creates an account. The first operator can only be made here. The password is asked for
       on the terminal (typed twice, not shown), or read from standard input with --password-stdin
       (everything up to a final newline), e.g. from a secrets manager. It needs at least
       ${PASSWORD_MIN_LENGTH} characters and must not be one of the most common passwords.
list   prints every user with their role.

${commonHelp.db}`,
  options: {
    ...dbOption,
    operator: { type: 'string' },
    owner: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  },
  async run(values, positionals) {
    const [action, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected '${rest.join(' ')}'`);
    if (action !== 'add' && action !== 'list') throw new UsageError(action ? `unknown user action '${action}'` : 'say add or list');
    let role: UserRole | undefined;
    let email: string | undefined;
    if (action === 'add') {
      const operator = stringValue(values, 'operator');
      const owner = stringValue(values, 'owner');
      if ((operator === undefined) === (owner === undefined)) throw new UsageError('user add needs exactly one of --operator EMAIL or --owner EMAIL');
      role = operator !== undefined ? 'operator' : 'owner';
      email = (operator ?? owner)!.trim();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) throw new UsageError(`'${email}' is not an email address`);
    }
    // Ask before opening the database, so nobody holds it while a person types.
    const password = action === 'add' ? await readNewPassword(values['password-stdin'] === true) : '';
    const storage = openStorage(resolveDbPath(stringValue(values, 'db')));
    try {
      if (action === 'list') return await listUsers(storage);
      return await addUser(storage, email!, password, role!);
    } finally {
      await storage.close();
    }
  },
};

async function addUser(storage: Storage, email: string, password: string, role: UserRole): Promise<number> {
  const { accounts, audit } = await createAccountServices(storage);
  const result = await accounts.createUser(email, password, role);
  if (!result.ok) {
    console.error(`dealnav: ${result.field === 'email' ? `there is already a user ${email}` : passwordProblems[result.problem]}`);
    return 1;
  }
  await audit.record({ actorUserId: null, action: 'user.create', subject: `user:${result.user.id}`, after: { email: result.user.email, role } });
  console.log(`${role === 'operator' ? 'operator' : 'site owner'} ${result.user.email} added (#${result.user.id})`);
  return 0;
}

async function listUsers(storage: Storage): Promise<number> {
  const users = await storage.users.list();
  if (users.length === 0) console.log('no users yet: add the first operator with dealnav user add --operator EMAIL');
  for (const user of users) console.log(`#${user.id} ${user.email}  ${user.role}  since ${user.createdAt.toISOString().slice(0, 10)}`);
  return 0;
}
