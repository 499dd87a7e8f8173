// GET /operator/users: every account with its role, when it was made, the sites it owns and its
// newest session still on record (sessions are deleted when they expire, so an old sign-in
// shows as none).
import type { FastifyInstance } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import { pageContext } from '../page-context';
import { operatorPage, shownTime } from './operator-view';

export async function operatorUsersPageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/operator/users', {
    preHandler: requireOperator, schema: { querystring: { type: 'object', properties: {}, additionalProperties: false } },
  }, async (request, reply) => {
    const tr = request.translator;
    const users = await app.storage.users.listOverview();
    return operatorPage(reply).view('operator-users.njk', {
      ...pageContext(request),
      users: users.map((user) => ({
        id: user.id,
        email: user.email,
        role: user.role === 'operator' ? tr.t('roleOperator') : tr.t('roleOwner'),
        created: shownTime(tr, user.createdAt),
        sitesOwned: user.sitesOwned,
        latestSession: shownTime(tr, user.latestSessionAt),
      })),
    });
  });
}
