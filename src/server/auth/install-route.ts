import { isUploadError, uploadError, type UploadError } from '../../shared/upload-error.js';
import { Budget } from '../budget.js';
import { clientAddressOf } from '../client-address.js';
import { ownOrigin } from '../cors.js';
import type { ResolvedLogger } from '../logger.js';
import type { UploadHandlerOptions } from '../options.js';
import type { Callers, Origins } from '../resolve-options.js';
import { InFlightPerKey, RateWindow } from '../per-key-limits.js';

/** Code exchanges at HighLevel at once, per process. */
export const MAX_INSTALLS_IN_FLIGHT = 8;
const installsInFlight = new Budget(MAX_INSTALLS_IN_FLIGHT);

/**
 * Exchanges one client address may have at HighLevel at once: an admin installs in one tab, and
 * a stranger's flood holds at most this many of the {@link MAX_INSTALLS_IN_FLIGHT} places.
 */
export const MAX_INSTALLS_IN_FLIGHT_PER_ADDRESS = 2;

/** Default of `install.maxCallbacksPerMinute`. */
export const DEFAULT_INSTALL_CALLBACKS_PER_MINUTE = 10;

/** The install route's options, with the bounds of this handler. */
export interface ResolvedInstall {
  app: NonNullable<UploadHandlerOptions['install']>['app'];
  redirectUri: string | undefined;
  afterInstallUrl: string | undefined;
  /** Callbacks that may reach HighLevel, per client address and minute. */
  callbacks: RateWindow;
  /** Exchanges at HighLevel at once, per client address. */
  inFlight: InFlightPerKey;
}

export function resolveInstall(install: UploadHandlerOptions['install']): ResolvedInstall | undefined {
  if (!install) return undefined;
  const perMinute = install.maxCallbacksPerMinute ?? DEFAULT_INSTALL_CALLBACKS_PER_MINUTE;
  if (!Number.isInteger(perMinute) || perMinute < 1 || perMinute > 10_000) {
    throw new TypeError('createUploadHandler: `install.maxCallbacksPerMinute` must be a whole number from 1 to 10,000.');
  }
  return {
    app: install.app,
    redirectUri: install.redirectUri,
    afterInstallUrl: install.afterInstallUrl,
    callbacks: new RateWindow(perMinute, 60_000),
    inFlight: new InFlightPerKey(MAX_INSTALLS_IN_FLIGHT_PER_ADDRESS, 5),
  };
}

/** The path, under the route, that HighLevel sends the admin back to with `?code=`. */
export const INSTALL_CALLBACK_PATH = '/oauth/callback';

/**
 * `GET {route}/oauth/callback?code=…`: where HighLevel sends the admin who installed the app in
 * a location. The code is exchanged for that location's tokens (`grant_type=authorization_code`,
 * `user_type=Location`), which are stored; then the browser goes to `afterInstallUrl`, or sees a
 * page that says what happened. Codes are single-use and bound to the app's secret: a forged
 * one installs nothing. Each exchange carries the secret to HighLevel, so a client address gets
 * a few per minute and two at once (429 `rate-limited` past them), before the process's shared
 * places are taken: a flood of made-up codes from one address neither reaches HighLevel in
 * numbers nor keeps an admin elsewhere from installing.
 */
/** What the install route reads: its own options and the client's address, the own origin, the log. */
export interface InstallRouteOptions {
  callers: Pick<Callers, 'install' | 'clientAddress'>;
  origins: Pick<Origins, 'publicOrigin'>;
  logger: ResolvedLogger;
}

export async function installRoute(request: Request, { callers, origins, logger }: InstallRouteOptions): Promise<Response> {
  const install = callers.install;
  // Stryker disable next-line ConditionalExpression,StringLiteral: routed only when callers.install is set; not exported
  if (!install) throw uploadError('bad-request');
  const url = new URL(request.url);
  // Stryker disable next-line StringLiteral: the default has ' ' and '!', which the code pattern refuses: the same 400
  const code = url.searchParams.get('code') ?? '';
  if (!/^[\w.~-]{1,512}$/.test(code)) return page(400, 'The install link has no valid code. Install the app again from the HighLevel Marketplace.');
  const redirectUri = install.redirectUri ?? `${ownOrigin(request, origins)}${url.pathname}`;
  // The address's own bounds first: what it is refused never counts against anyone else.
  const address = clientAddressOf(request, callers.clientAddress);
  let giveBack: () => void;
  try {
    install.callbacks.hit(address);
    giveBack = install.inFlight.take(address);
  } catch (error) {
    return refusal(error as UploadError);
  }
  // Each exchange holds a connection to HighLevel carrying the app's secret: a few at once are
  // all admins ever make, and past them a callback gets 503 instead of a flood upstream.
  const slot = installsInFlight.lease();
  let locationId: string;
  try {
    slot.take(1);
    ({ locationId } = await install.app.install(code, redirectUri));
  } catch (error) {
    const known = isUploadError(error) ? error : uploadError('install-failed');
    if (!isUploadError(error)) logger.error('install failed', { error: String(error) });
    return refusal(known);
  } finally {
    slot.release();
    giveBack();
  }
  logger.info('app installed', { locationId });
  if (install.afterInstallUrl) {
    return new Response(null, {
      status: 302,
      headers: { Location: install.afterInstallUrl.replaceAll('{locationId}', encodeURIComponent(locationId)), 'Cache-Control': 'no-store' },
    });
  }
  return page(200, `The app is installed in sub-account ${locationId}. You can close this tab and open the app in HighLevel.`);
}

/** The page for a refused or failed callback, with `Retry-After` when waiting helps. */
function refusal(error: UploadError): Response {
  const retry: Record<string, string> = error.retryAfter === undefined ? {} : { 'Retry-After': String(error.retryAfter) };
  return page(error.status || 500, `${error.message} (${error.code})`, retry);
}

function page(status: number, message: string, extra: Record<string, string> = {}): Response {
  const text = message.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return new Response(`<!doctype html><meta charset="utf-8"><title>Install</title><p>${text}</p>\n`, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'",
      ...extra,
    },
  });
}
