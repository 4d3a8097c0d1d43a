import { HttpError, sendJson } from './http.js';
import { newOAuthState } from './ids.js';
import type { RouteContext } from './router.js';

const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';
/** How long an OAuth `state` stays usable, like a real consent screen's session. */
const STATE_TTL_MS = 10 * 60_000;
/** The access token's lifetime reported as `expires_at`. */
const TOKEN_TTL_MS = 60 * 60_000;

/**
 * Google Calendar authorization for the simulator's one API key. Google is
 * replaced by a fake consent page served by the simulator itself
 * (/_sim/google/consent), whose links lead back to the real callback route.
 */
export class CalendarAuthorization {
  private readonly states = new Map<string, number>();
  private grant: { scopes: string[]; expiresAt: Date } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  begin(): string {
    const state = newOAuthState();
    this.states.set(state, this.now() + STATE_TTL_MS);
    return state;
  }

  /** Consumes `state`; false when it is unknown, used or expired. */
  consume(state: string): boolean {
    const expiresAt = this.states.get(state);
    this.states.delete(state);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  authorize(): void {
    this.grant = { scopes: [CALENDAR_SCOPE], expiresAt: new Date(this.now() + TOKEN_TTL_MS) };
  }

  status(): { authorized: false } | { authorized: true; scopes: string[]; expires_at: string } {
    if (!this.grant) return { authorized: false };
    return { authorized: true, scopes: this.grant.scopes, expires_at: this.grant.expiresAt.toISOString() };
  }

  revoke(): void {
    this.grant = undefined;
  }

  reset(): void {
    this.states.clear();
    this.grant = undefined;
  }
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);

function sendHtml(ctx: RouteContext, status: number, html: string): void {
  ctx.res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
  });
  ctx.res.end(html);
}

/** GET /auth/google/calendar: JSON with `format=json`, a 302 to the consent page otherwise. */
export function startCalendarAuthorization(ctx: RouteContext): void {
  const { sim, url, res } = ctx;
  const state = sim.calendar.begin();
  const consent = new URL('/_sim/google/consent', sim.publicUrl);
  consent.searchParams.set('client_id', 'callmycall-simulator');
  consent.searchParams.set('response_type', 'code');
  consent.searchParams.set('scope', CALENDAR_SCOPE);
  consent.searchParams.set('redirect_uri', new URL('/auth/google/callback', sim.publicUrl).toString());
  consent.searchParams.set('state', state);
  const authUrl = consent.toString();
  if (url.searchParams.get('format') === 'json') {
    sendJson(res, 200, { success: true, auth_url: authUrl, state });
    return;
  }
  res.writeHead(302, { location: authUrl, 'content-length': 0 });
  res.end();
}

/** The fake Google consent screen: two links back to the callback, approve or deny. */
export function consentPage(ctx: RouteContext): void {
  const state = ctx.url.searchParams.get('state') ?? '';
  const callback = new URL('/auth/google/callback', ctx.sim.publicUrl);
  callback.searchParams.set('state', state);
  const deny = new URL(callback);
  callback.searchParams.set('code', `sim_code_${newOAuthState()}`);
  deny.searchParams.set('error', 'access_denied');
  sendHtml(
    ctx,
    200,
    `<!DOCTYPE html>
<html><head><title>Simulated Google consent</title></head>
<body><h1>CallMyCall simulator wants to access your Google Calendar</h1>
<p><a id="allow" href="${escapeHtml(callback.toString())}">Allow</a> · <a id="deny" href="${escapeHtml(deny.toString())}">Deny</a></p>
</body></html>`,
  );
}

/** GET /auth/google/callback?code&state (or &error when consent was denied). */
export function calendarCallback(ctx: RouteContext): void {
  const { url, sim } = ctx;
  const state = url.searchParams.get('state') ?? '';
  if (!sim.calendar.consume(state)) throw new HttpError(400, 'Invalid or expired authorization request');
  const denied = url.searchParams.get('error');
  if (denied) throw new HttpError(400, 'Calendar authorization was denied', { details: denied });
  if (!url.searchParams.get('code')) throw new HttpError(400, 'Missing authorization code');
  sim.calendar.authorize();
  sendHtml(
    ctx,
    200,
    `<!DOCTYPE html>
<html><head><title>Calendar Authorization Successful</title></head>
<body><h1>Calendar Authorization Successful</h1><p>You can close this window.</p></body></html>`,
  );
}

export function calendarStatus({ res, sim }: RouteContext): void {
  sendJson(res, 200, sim.calendar.status());
}

export function revokeCalendar({ res, sim }: RouteContext): void {
  sim.calendar.revoke();
  sendJson(res, 200, { success: true, message: 'Calendar authorization revoked successfully' });
}
