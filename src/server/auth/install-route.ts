import { isUploadError, uploadError } from '../../shared/upload-error.js';
import { Budget } from '../budget.js';
import { ownOrigin } from '../cors.js';
import type { ResolvedOptions } from '../options.js';

/** Code exchanges at HighLevel at once, per process. */
export const MAX_INSTALLS_IN_FLIGHT = 8;
const installsInFlight = new Budget(MAX_INSTALLS_IN_FLIGHT);

/** The path, under the route, that HighLevel sends the admin back to with `?code=`. */
export const INSTALL_CALLBACK_PATH = '/oauth/callback';

/**
 * `GET {route}/oauth/callback?code=…`: where HighLevel sends the admin who installed the app in
 * a location. The code is exchanged for that location's tokens (`grant_type=authorization_code`,
 * `user_type=Location`), which are stored; then the browser goes to `afterInstallUrl`, or sees a
 * page that says what happened. Codes are single-use and bound to the app's secret: a forged
 * one installs nothing.
 */
export async function installRoute(request: Request, options: ResolvedOptions): Promise<Response> {
  const install = options.install;
  if (!install) throw uploadError('bad-request');
  const url = new URL(request.url);
  const code = url.searchParams.get('code') ?? '';
  if (!/^[\w.~-]{1,512}$/.test(code)) return page(400, 'The install link has no valid code. Install the app again from the HighLevel Marketplace.');
  const redirectUri = install.redirectUri ?? `${ownOrigin(request, options)}${url.pathname}`;
  // Each exchange holds a connection to HighLevel carrying the app's secret: a few at once are
  // all an admin ever makes, and a flood of made-up codes gets 503 instead of a flood upstream.
  const slot = installsInFlight.lease();
  let locationId: string;
  try {
    slot.take(1);
    ({ locationId } = await install.app.install(code, redirectUri));
  } catch (error) {
    const known = isUploadError(error) ? error : uploadError('install-failed');
    if (!isUploadError(error)) options.logger.error?.('install failed', { error: String(error) });
    return page(known.status || 500, `${known.message} (${known.code})`);
  } finally {
    slot.release();
  }
  options.logger.info?.('app installed', { locationId });
  if (install.afterInstallUrl) {
    return new Response(null, {
      status: 302,
      headers: { Location: install.afterInstallUrl.replaceAll('{locationId}', encodeURIComponent(locationId)), 'Cache-Control': 'no-store' },
    });
  }
  return page(200, `The app is installed in sub-account ${locationId}. You can close this tab and open the app in HighLevel.`);
}

function page(status: number, message: string): Response {
  const text = message.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return new Response(`<!doctype html><meta charset="utf-8"><title>Install</title><p>${text}</p>\n`, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'",
    },
  });
}
