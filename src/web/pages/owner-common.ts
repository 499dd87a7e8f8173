// What the owners' page modules share: their rate limits and the headers of a private page.
import type { FastifyReply } from 'fastify';

/** Per address: validation previews and verification checks a minute (each fetches from the owner's site). */
export const PREVIEWS_PER_MINUTE = 10;
export const VERIFICATIONS_PER_MINUTE = 10;
/** Per address: site registrations an hour. */
export const REGISTRATIONS_PER_HOUR = 20;

/** Owner pages are never cached and never hand their URL on. */
export const privatePage = (reply: FastifyReply): FastifyReply => reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'same-origin');
