import { createAccountServices } from '../../accounts/services';
import type { SiteTokenService } from '../../accounts/tokens';
import { resolveDbPath } from '../../config';
import { openStorage, type Storage } from '../../storage';
import { commonHelp, dbOption, stringValue, UsageError, type Command } from '../command';

export const tokenCommand: Command = {
  name: 'token',
  summary: "create, list or revoke a site's API tokens",
  help: `Usage:
  dealnav token create SLUG [--db PATH]
  dealnav token list SLUG [--db PATH]
  dealnav token revoke ID [--db PATH]

create  makes a new API token for the site and prints it once: only its hash is kept, so it
        cannot be shown again. API routes take it as 'Authorization: Bearer TOKEN'.
list    the site's tokens: id, the first characters, when created and last used, revoked or not.
revoke  stops a token working at once.

${commonHelp.db}`,
  options: dbOption,
  async run(values, positionals) {
    const [action, argument, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected '${rest.join(' ')}'`);
    if (action !== 'create' && action !== 'list' && action !== 'revoke') {
      throw new UsageError(action ? `unknown token action '${action}'` : 'say create, list or revoke');
    }
    if (!argument) throw new UsageError(action === 'revoke' ? 'token revoke needs the token ID (dealnav token list SLUG)' : `token ${action} needs the site SLUG`);
    const storage = openStorage(resolveDbPath(stringValue(values, 'db')));
    try {
      const tokens = (await createAccountServices(storage)).siteTokens;
      if (action === 'revoke') return await revoke(tokens, argument);
      const site = await findSite(storage, argument);
      if (action === 'list') return await list(tokens, site.id, argument);
      const { token, record } = await tokens.create(site.id, null);
      console.log(token);
      console.error(`API token #${record.id} for ${argument} created. It is shown only now: store it where the site's software can read it.`);
      return 0;
    } finally {
      await storage.close();
    }
  },
};

async function findSite(storage: Storage, slug: string) {
  const site = await storage.sites.findBySlug(slug);
  if (!site) throw new Error(`no site '${slug}' (dealnav site list)`);
  return site;
}

async function list(tokens: SiteTokenService, siteId: number, slug: string): Promise<number> {
  const all = await tokens.list(siteId);
  if (all.length === 0) console.log(`no API tokens for ${slug}: make one with dealnav token create ${slug}`);
  for (const token of all) {
    const used = token.lastUsedAt ? `last used ${token.lastUsedAt.toISOString()}` : 'never used';
    const state = token.revokedAt ? `revoked ${token.revokedAt.toISOString()}` : 'active';
    console.log(`#${token.id} ${token.prefix}…  created ${token.createdAt.toISOString()}  ${used}  ${state}`);
  }
  return 0;
}

async function revoke(tokens: SiteTokenService, idText: string): Promise<number> {
  const id = Number(idText);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`'${idText}' is not a token id`);
  const revoked = await tokens.revoke(id, null);
  if (!revoked) {
    console.error(`dealnav: no active token #${id}`);
    return 1;
  }
  console.log(`token #${id} (${revoked.prefix}…) revoked`);
  return 0;
}
