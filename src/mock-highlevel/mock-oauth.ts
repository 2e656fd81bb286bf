import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MockAnswer } from './highlevel-answers.js';

/** An OAuth app the mock's `POST /oauth/token` knows. */
export interface MockOAuthApp {
  clientId: string;
  clientSecret: string;
  /** A location where the app is installed from the start, with its one live refresh token. Default: none. */
  locationId?: string;
  refreshToken?: string;
  /** Lifetime of the access tokens it issues. Default: 86,399 s, as HighLevel. */
  accessTokenSeconds?: number;
  /** The app's registered redirect URL: codes are handed out for it and exchanged with it only. Default: any. */
  redirectUri?: string;
  /** The app's Shared Secret, which the stand-in custom page encrypts the user context with. Default: none. */
  sharedSecret?: string;
  /** Scopes granted. Default: `conversations/message.write conversations.readonly conversations/message.readonly files.readonly users.readonly`. */
  scope?: string;
}

/** A sub-account of the mock's agency. */
export interface MockLocation {
  id: string;
  name: string;
}

/** What the OAuth part of the mock counts. */
export interface MockOAuthStats {
  /** Successful refreshes at `POST /oauth/token`, all locations. */
  tokenRefreshes: number;
  /** Successful refreshes by location. */
  tokenRefreshesByLocation: Record<string, number>;
  /** Authorization codes exchanged (installs). */
  installs: number;
  /** Requests at `POST /oauth/token`, whatever their answer (each carries a client secret). */
  tokenRequests: number;
}

export const MOCK_COMPANY_ID = 'mock-company';
const CODE_LIFETIME_MS = 10 * 60_000;

/**
 * HighLevel's OAuth, for one app: installs (`chooselocation` hands out a code for a location;
 * `grant_type=authorization_code` exchanges it, once) and refreshes (`grant_type=refresh_token`:
 * a new access token and a new refresh token; the used one is dead, as on HighLevel). Each
 * location has its own tokens.
 */
export class MockOAuth {
  /** Live refresh token per installed location. */
  private readonly installed = new Map<string, string>();
  private readonly codes = new Map<string, { locationId: string; redirectUri: string | undefined; expiresAt: number }>();

  constructor(
    readonly app: MockOAuthApp,
    private readonly issue: (token: { token: string; locationId: string; expiresAt: number; scopes: string[] }) => void,
    readonly stats: MockOAuthStats,
  ) {
    if (app.locationId && app.refreshToken) this.installed.set(app.locationId, app.refreshToken);
  }

  /** Whether the app is installed in `locationId`. */
  isInstalled(locationId: string): boolean {
    return this.installed.has(locationId);
  }

  /** A code for installing the app in `locationId`, as HighLevel's location chooser hands out. */
  authorizationCode(locationId: string, redirectUri = this.app.redirectUri): string {
    const code = randomUUID().replaceAll('-', '');
    this.codes.set(code, { locationId, redirectUri, expiresAt: Date.now() + CODE_LIFETIME_MS });
    return code;
  }

  /** `POST /oauth/token`, form-encoded. */
  token(form: URLSearchParams): MockAnswer {
    const { app } = this;
    const userType = form.get('user_type');
    if (form.get('client_id') !== app.clientId || form.get('client_secret') !== app.clientSecret) {
      return invalid('invalid_client', 'Invalid client credentials');
    }
    if (userType !== null && userType !== 'Location') return invalid('invalid_request', 'Only Location tokens are issued by this mock');
    const grant = form.get('grant_type');
    let locationId: string | undefined;
    if (grant === 'refresh_token') {
      const given = form.get('refresh_token');
      locationId = [...this.installed].find(([, live]) => live === given)?.[0];
      if (!locationId) return invalid('invalid_grant', 'Invalid grant: refresh token is invalid');
      this.stats.tokenRefreshes += 1;
      this.stats.tokenRefreshesByLocation[locationId] = (this.stats.tokenRefreshesByLocation[locationId] ?? 0) + 1;
    } else if (grant === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      // A code works once, before it expires, with the redirect URL it was given for.
      this.codes.delete(form.get('code') ?? '');
      const redirectOk = code?.redirectUri === undefined || form.get('redirect_uri') === null || form.get('redirect_uri') === code.redirectUri;
      if (!code || code.expiresAt < Date.now() || !redirectOk) return invalid('invalid_grant', 'Invalid grant: authorization code is invalid');
      locationId = code.locationId;
      this.stats.installs += 1;
    } else {
      return invalid('unsupported_grant_type', 'Unsupported grant type');
    }
    const seconds = app.accessTokenSeconds ?? 86_399;
    const accessToken = `mock-access-${randomUUID()}`;
    const refreshToken = `mock-refresh-${randomUUID()}`;
    this.installed.set(locationId, refreshToken);
    const scope = app.scope ?? 'conversations/message.write conversations.readonly conversations/message.readonly files.readonly users.readonly';
    this.issue({ token: accessToken, locationId, expiresAt: Date.now() + seconds * 1000, scopes: scope.split(' ') });
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: seconds,
        refresh_token: refreshToken,
        scope,
        userType: 'Location',
        locationId,
        companyId: MOCK_COMPANY_ID,
        userId: 'mock-installer',
        planId: 'mock-plan',
      },
    };
  }

  /**
   * `GET /oauth/chooselocation?client_id=&redirect_uri=`: HighLevel's location chooser, as a
   * page of links; `…/choose?location=` sends the browser to the redirect URL with a code.
   */
  chooseLocation(req: IncomingMessage, res: ServerResponse, locations: readonly MockLocation[], basePath: string): void {
    const url = new URL(req.url ?? '/', 'http://mock');
    const clientId = url.searchParams.get('client_id');
    const redirectUri = url.searchParams.get('redirect_uri') ?? this.app.redirectUri ?? '';
    const refuse = (message: string) => {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(message);
    };
    if (clientId !== this.app.clientId) return refuse('Unknown client_id');
    if (!/^https?:\/\//.test(redirectUri) || (this.app.redirectUri !== undefined && redirectUri !== this.app.redirectUri)) {
      return refuse('redirect_uri is not the one registered for this app');
    }
    const chosen = url.searchParams.get('location');
    if (url.pathname.endsWith('/choose') && chosen && locations.some((location) => location.id === chosen)) {
      const target = new URL(redirectUri);
      target.searchParams.set('code', this.authorizationCode(chosen, redirectUri));
      res.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    const query = (id: string) => new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, location: id }).toString();
    const items = locations
      .map((location) => `<li><a href="${basePath}/oauth/chooselocation/choose?${escapeHtml(query(location.id))}">${escapeHtml(location.name)}</a> <small>${escapeHtml(location.id)}</small></li>`)
      .join('');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>Choose a sub-account</title>` +
        `<body style="font-family: system-ui; margin: 2rem"><h1>Install the app (HighLevel mock)</h1>` +
        `<p>Choose the sub-account to install it in:</p><ul>${items}</ul></body></html>`,
    );
  }
}

function invalid(error: string, description: string): MockAnswer {
  // HighLevel answers a dead refresh token or a bad client with 401, a malformed grant with 400.
  return { status: error === 'invalid_client' || error === 'invalid_grant' ? 401 : 400, body: { error, error_description: description } };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
