// GET /operator/users: every account with its role, when it was made, the sites it owns and its
// newest session still on record (sessions are deleted when they expire, so an old sign-in
// shows as none). POST /operator/users/:userId/disable|enable: a site owner's account off or on
// again (src/accounts/user-access.ts), audited.
import type { FastifyInstance } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import { setOwnerDisabled } from '../../accounts/user-access';
import { HttpError } from '../errors';
import { pageContext } from '../page-context';
import { operatorPage, shownTime } from './operator-view';

const ACTIONS = ['disable', 'enable'] as const;
type UserAction = (typeof ACTIONS)[number];

export async function operatorUsersPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { done?: UserAction } }>('/operator/users', {
    preHandler: requireOperator, schema: { querystring: { type: 'object', properties: { done: { type: 'string', enum: [...ACTIONS] } } } },
  }, async (request, reply) => {
    const tr = request.translator;
    const users = await app.storage.users.listOverview();
    return operatorPage(reply).view('operator-users.njk', {
      ...pageContext(request),
      done: request.query.done ? tr.t(request.query.done === 'disable' ? 'operator.users.disabledDone' : 'operator.users.enabledDone') : null,
      users: users.map((user) => ({
        id: user.id,
        email: user.email,
        isOwner: user.role === 'owner',
        role: user.role === 'operator' ? tr.t('roleOperator') : tr.t('roleOwner'),
        created: shownTime(tr, user.createdAt),
        disabled: shownTime(tr, user.disabledAt),
        sitesOwned: user.sitesOwned,
        latestSession: shownTime(tr, user.latestSessionAt),
      })),
    });
  });

  app.post<{ Params: { userId: number; action: UserAction } }>('/operator/users/:userId/:action', {
    preHandler: requireOperator,
    schema: {
      params: { type: 'object', required: ['userId', 'action'], properties: { userId: { type: 'integer', minimum: 1 }, action: { type: 'string', enum: [...ACTIONS] } } },
      body: { type: 'object', properties: { _csrf: { type: 'string', maxLength: 200 } } },
    },
  }, async (request, reply) => {
    const { userId, action } = request.params;
    const result = await setOwnerDisabled(app.storage, app.audit, { userId, disabled: action === 'disable', actorUserId: request.user!.id });
    if (!result.ok && result.problem === 'notFound') throw new HttpError(404, 'DN_ERR_USER_NOT_FOUND', 'There is no such user.');
    if (!result.ok) throw new HttpError(409, 'DN_ERR_NOT_AN_OWNER', request.translator.t('operator.users.onlyOwners'));
    return operatorPage(reply).redirect(`/operator/users?done=${action}`, 303);
  });
}
