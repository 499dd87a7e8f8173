// Accounts: sign-up (site owners), sign-in (throttled per account and address, rate-limited per
// address), sign-out, and the password change, which ends the user's other sessions. Every form
// is a POST carrying a CSRF token (checked for every POST by src/accounts/plugin.ts); every field
// is validated by the route's schema and a failure is shown next to the field.
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireUser } from '../../accounts/guards';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordProblem } from '../../accounts/passwords';
import { generateCsrf } from '../../accounts/plugin';
import { logSecurityEvent } from '../../accounts/security-log';
import { SESSION_COOKIE, sessionCookieOptions } from '../../accounts/sessions';
import type { User } from '../../storage';
import { HttpError } from '../errors';
import { fieldErrors, hasErrors, type FieldErrors, type FieldMessages } from '../form-errors';
import type { MessageKey } from '../i18n';
import { pageContext } from '../page-context';

/** Per address: attempts a minute at signing in, and sign-ups an hour. */
export const SIGN_IN_PER_MINUTE = 10;
export const SIGN_UPS_PER_HOUR = 10;

// A path on this site only: one slash, not `//host` or `/\host`.
const LOCAL_PATH = '^/(?![/\\\\])[\\x21-\\x7e]*$';
const email = { type: 'string', format: 'email', maxLength: 254 } as const;
const csrf = { type: 'string', maxLength: 200 } as const;
const newPassword = { type: 'string', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH } as const;
// Sign-in takes whatever was set, even under older rules; only the size is capped.
const anyPassword = { type: 'string', minLength: 1, maxLength: PASSWORD_MAX_LENGTH } as const;
const next = { type: 'string', maxLength: 2000, pattern: LOCAL_PATH } as const;

interface SignUpBody { email: string; password: string }
interface SignInBody { email: string; password: string; next?: string }
interface PasswordBody { currentPassword: string; newPassword: string }

const signUpSchema = { type: 'object', required: ['email', 'password'], properties: { email, password: newPassword, _csrf: csrf } } as const;
const signInSchema = { type: 'object', required: ['email', 'password'], properties: { email, password: anyPassword, next, _csrf: csrf } } as const;
const passwordSchema = {
  type: 'object', required: ['currentPassword', 'newPassword'], properties: { currentPassword: anyPassword, newPassword, _csrf: csrf },
} as const;
const nextQuerystring = { type: 'object', properties: { next } } as const;
const passwordQuerystring = { type: 'object', properties: { changed: { type: 'string', enum: ['1'] } } } as const;

const emailMessages = { format: 'accountEmailInvalid', '*': 'accountEmailInvalid' } as const;
const newPasswordMessages = { minLength: 'passwordTooShort', maxLength: 'passwordTooLong', '*': 'passwordRequired' } as const;
const signUpMessages: FieldMessages<'email' | 'password'> = { email: emailMessages, password: newPasswordMessages };
const signInMessages: FieldMessages<'email' | 'password' | 'next'> = {
  email: emailMessages, password: { '*': 'passwordRequired' }, next: { '*': 'formInvalid' },
};
const passwordMessages: FieldMessages<'currentPassword' | 'newPassword'> = {
  currentPassword: { '*': 'passwordRequired' }, newPassword: newPasswordMessages,
};

const problemMessages: Record<PasswordProblem | 'same', MessageKey> = {
  tooShort: 'passwordTooShort', tooLong: 'passwordTooLong', common: 'passwordCommon', containsEmail: 'passwordContainsEmail', same: 'passwordSame',
};

const limits = { min: PASSWORD_MIN_LENGTH };

/** Account pages are never cached and never hand their URL on. */
const privatePage = (reply: FastifyReply): FastifyReply => reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'same-origin');

export async function accountPageRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyFormbody, { bodyLimit: 8192 });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (request, context) =>
      new HttpError(context.statusCode, 'DN_ERR_RATE_LIMITED', request.translator.t('accountRateLimited')),
  });

  const form = (request: FastifyRequest, reply: FastifyReply, template: string, values: object, errors: FieldErrors = {}) =>
    privatePage(reply).view(template, {
      ...pageContext(request), ...values, errors, passwordMinLength: PASSWORD_MIN_LENGTH, formCsrf: generateCsrf(request, reply),
    });

  async function signInAs(request: FastifyRequest, reply: FastifyReply, user: User): Promise<void> {
    const previous = request.accountSession;
    if (previous) await app.sessions.end(previous.idHash);
    // A fresh id at every sign-in: an id planted before it is worth nothing after.
    const { cookieValue } = await app.sessions.start(user.id, request.headers['user-agent']);
    reply.setCookie(SESSION_COOKIE, cookieValue, sessionCookieOptions(request));
  }

  app.get<{ Querystring: { next?: string } }>('/account/sign-up', { schema: { querystring: nextQuerystring } }, async (request, reply) => {
    if (request.user) return reply.redirect('/account', 303);
    return form(request, reply, 'account-sign-up.njk', { email: '' });
  });

  app.post<{ Body: SignUpBody }>('/account/sign-up', {
    config: { rateLimit: { max: SIGN_UPS_PER_HOUR, timeWindow: 3_600_000 } },
    schema: { body: signUpSchema },
    attachValidation: true,
  }, async (request, reply) => {
    const tr = request.translator;
    const values = { email: typeof request.body?.email === 'string' ? request.body.email : '' };
    const errors = fieldErrors(request, signUpMessages, tr, limits);
    if (hasErrors(errors)) return form(request, reply.code(400), 'account-sign-up.njk', values, errors);
    const result = await app.accounts.createUser(request.body.email.trim(), request.body.password, 'owner');
    if (!result.ok) {
      const message = result.field === 'email' ? tr.t('accountEmailTaken') : tr.t(problemMessages[result.problem], limits);
      return form(request, reply.code(result.field === 'email' ? 409 : 400), 'account-sign-up.njk', values, { [result.field]: message });
    }
    logSecurityEvent(request, 'sign_up', { userId: result.user.id });
    await signInAs(request, reply, result.user);
    return reply.redirect('/account', 303);
  });

  app.get<{ Querystring: { next?: string } }>('/account/sign-in', { schema: { querystring: nextQuerystring } }, async (request, reply) => {
    if (request.user) return reply.redirect(request.query.next ?? '/account', 303);
    return form(request, reply, 'account-sign-in.njk', { email: '', next: request.query.next ?? '' });
  });

  app.post<{ Body: SignInBody }>('/account/sign-in', {
    config: { rateLimit: { max: SIGN_IN_PER_MINUTE, timeWindow: 60_000 } },
    schema: { body: signInSchema },
    attachValidation: true,
  }, async (request, reply) => {
    const tr = request.translator;
    const body = request.body ?? {};
    const values = { email: typeof body.email === 'string' ? body.email : '', next: typeof body.next === 'string' && !request.validationError ? body.next : '' };
    const errors = fieldErrors(request, signInMessages, tr);
    if (hasErrors(errors)) return form(request, reply.code(400), 'account-sign-in.njk', values, errors);
    const emailAddress = body.email.trim();
    const result = await app.accounts.signIn(emailAddress, body.password, request.ip);
    if (!result.ok && result.problem === 'throttled') {
      const seconds = Math.max(1, Math.ceil((result.retryAt.getTime() - Date.now()) / 1000));
      logSecurityEvent(request, 'sign_in_throttled', { email: emailAddress });
      return form(request, reply.code(429).header('Retry-After', String(seconds)), 'account-sign-in.njk', values,
        { form: tr.t('signInThrottled', { minutes: Math.ceil(seconds / 60) }) });
    }
    if (!result.ok) {
      logSecurityEvent(request, 'sign_in_failed', { email: emailAddress });
      // One message for an unknown email and a wrong password: the form does not say which accounts exist.
      return form(request, reply.code(401), 'account-sign-in.njk', values, { form: tr.t('signInInvalid') });
    }
    logSecurityEvent(request, 'sign_in', { userId: result.user.id });
    await signInAs(request, reply, result.user);
    return reply.redirect(body.next ?? '/account', 303);
  });

  app.post('/account/sign-out', async (request, reply) => {
    const session = request.accountSession;
    if (session) {
      await app.sessions.end(session.idHash);
      logSecurityEvent(request, 'sign_out', { userId: session.user.id });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return privatePage(reply).redirect('/', 303);
  });

  app.get('/account', { preHandler: requireUser }, async (request, reply) => {
    return privatePage(reply).view('account.njk', { ...pageContext(request), account: request.user });
  });

  app.get<{ Querystring: { changed?: '1' } }>('/account/password', {
    preHandler: requireUser, schema: { querystring: passwordQuerystring },
  }, async (request, reply) => form(request, reply, 'account-password.njk', { changed: request.query.changed === '1' }));

  app.post<{ Body: PasswordBody }>('/account/password', {
    preHandler: requireUser, schema: { body: passwordSchema }, attachValidation: true,
  }, async (request, reply) => {
    const tr = request.translator;
    const errors = fieldErrors(request, passwordMessages, tr, limits);
    if (hasErrors(errors)) return form(request, reply.code(400), 'account-password.njk', {}, errors);
    const user = request.user!;
    const result = await app.accounts.changePassword(user.id, request.body.currentPassword, request.body.newPassword);
    if (!result.ok) {
      const message = result.field === 'currentPassword' ? tr.t('passwordCurrentWrong') : tr.t(problemMessages[result.problem], limits);
      return form(request, reply.code(400), 'account-password.njk', {}, { [result.field]: message });
    }
    // Whoever else holds a session (a stolen cookie, a forgotten browser) is signed out; this browser
    // gets a fresh session id too.
    const ended = await app.sessions.endOthers(user.id, request.accountSession!.idHash);
    logSecurityEvent(request, 'password_changed', { userId: user.id, sessionsEnded: ended });
    await signInAs(request, reply, { ...user, createdAt: new Date(0) });
    return privatePage(reply).redirect('/account/password?changed=1', 303);
  });
}
