import type { ServerResponse } from 'node:http';
import { encryptUserContext } from './encrypt-user-context.js';
import { MOCK_COMPANY_ID, escapeHtml, type MockLocation, type MockOAuth } from './mock-oauth.js';

/** The user the stand-in signs in, in whichever location is chosen: the mock's `mock-user`, an admin of every sub-account. */
export function mockUserContext(locationId: string) {
  return {
    userId: 'mock-user',
    companyId: MOCK_COMPANY_ID,
    role: 'admin',
    type: 'location',
    userName: 'Mock User',
    email: 'mock.user@example.com',
    isAgencyOwner: false,
    activeLocation: locationId,
    versionId: 'mock-version',
    appStatus: 'live',
  };
}

/** Where the stand-in frames the app, and what it needs to play HighLevel's part. */
export interface StandInConfig {
  /** The app's custom page URL, as configured in the app's settings in HighLevel. */
  appUrl: string;
  oauth: MockOAuth;
  locations: readonly MockLocation[];
  basePath: string;
  /** The location's conversations, to offer and to frame the first of. Default: `demo-conversation` only. */
  conversationsOf?: (locationId: string) => readonly { id: string }[];
}

/**
 * `GET /custom-page.html?location=&conversationId=`: a page standing in for HighLevel's own app
 * around a Marketplace app's custom page. It frames the app's page, answers its
 * `REQUEST_USER_DATA` message (only from that frame, only to the app's origin) with the user
 * context encrypted under the app's Shared Secret, lets one switch sub-account, install the app
 * there (through the mock's location chooser), and shows the conversation's thread (each message with its
 * attachments, where a HighLevel user would look) and the files HighLevel stored for the
 * sub-account.
 */
export function serveCustomPage(url: URL, res: ServerResponse, config: StandInConfig): void {
  const { oauth, locations, basePath } = config;
  const secret = oauth.app.sharedSecret;
  const locationId = url.searchParams.get('location') ?? locations[0]?.id ?? '';
  const location = locations.find((candidate) => candidate.id === locationId);
  if (!secret || !location) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(secret ? `No sub-account "${locationId}" in the mock.` : 'The mock has no app Shared Secret: pass oauth.sharedSecret.');
    return;
  }
  const offered = config.conversationsOf?.(location.id) ?? [];
  const asked = url.searchParams.get('conversationId') ?? '';
  const conversationId = /^[\w-]{1,128}$/.test(asked) ? asked : (offered[0]?.id ?? 'demo-conversation');
  const appUrl = new URL(config.appUrl);
  appUrl.searchParams.set('conversationId', conversationId);
  const installHref = `${basePath}/oauth/chooselocation?${new URLSearchParams({
    response_type: 'code',
    client_id: oauth.app.clientId,
    redirect_uri: oauth.app.redirectUri ?? '',
    scope: 'conversations/message.write conversations.readonly files.readonly users.readonly',
  })}`;
  const switcher = locations
    .map((candidate) => {
      const href = `?${new URLSearchParams({ location: candidate.id, conversationId })}`;
      const current = candidate.id === location.id ? ' aria-current="page"' : '';
      return `<li><a href="${escapeHtml(href)}"${current}>${escapeHtml(candidate.name)}</a></li>`;
    })
    .join('');
  const installed = oauth.isInstalled(location.id);
  const script = JSON.stringify({
    payload: encryptUserContext(mockUserContext(location.id), secret),
    appOrigin: appUrl.origin,
    filesUrl: `${basePath}/_stand-in/files?${new URLSearchParams({ location: location.id })}`,
    threadUrl: `${basePath}/_stand-in/thread?${new URLSearchParams({ location: location.id, conversationId })}`,
  }).replace(/</g, '\\u003c');
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>HighLevel (local stand-in) · ${escapeHtml(location.name)}</title>
<style>
  body { margin: 0; font-family: system-ui, sans-serif; display: grid; grid-template-columns: 14rem 1fr; min-height: 100vh; }
  nav { background: #111827; color: #e5e7eb; padding: 1rem; }
  nav a { color: #e5e7eb; } nav a[aria-current] { font-weight: bold; color: #93c5fd; }
  main { padding: 1rem; } iframe { width: 100%; height: 22rem; border: 1px solid #d1d5db; border-radius: 6px; }
</style></head>
<body>
<nav aria-label="Sub-accounts"><p><strong>HighLevel</strong> (local stand-in)</p><ul>${switcher}</ul></nav>
<main>
  <h1>${escapeHtml(location.name)}</h1>
  <p id="install-state">${
    installed
      ? 'The app is installed in this sub-account.'
      : `The app is not installed in this sub-account. <a href="${escapeHtml(installHref)}">Install the app</a>`
  }</p>
  <p>Conversation <code>${escapeHtml(conversationId)}</code></p>${
    offered.length > 1
      ? `<nav aria-label="Conversations"><ul>${offered
          .map(({ id }) => {
            const href = `?${new URLSearchParams({ location: location.id, conversationId: id })}`;
            return `<li><a href="${escapeHtml(href)}"${id === conversationId ? ' aria-current="page"' : ''}>${escapeHtml(id)}</a></li>`;
          })
          .join('')}</ul></nav>`
      : ''
  }
  <iframe title="Marketplace app: Attach files" src="${escapeHtml(appUrl.toString())}"></iframe>
  <h2>Conversation thread</h2>
  <ol id="thread" aria-live="polite"></ol>
  <h2>Files HighLevel stored in this sub-account</h2>
  <ul id="stored-files"></ul>
</main>
<script>
  const config = ${script};
  const frame = document.querySelector('iframe');
  // HighLevel's side of the SSO handshake: the app's frame asks, HighLevel answers it alone.
  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow || event.origin !== config.appOrigin) return;
    if (event.data && event.data.message === 'REQUEST_USER_DATA') {
      frame.contentWindow.postMessage({ message: 'REQUEST_USER_DATA_RESPONSE', payload: config.payload }, config.appOrigin);
    }
  });
  const list = document.getElementById('stored-files');
  async function refresh() {
    const files = await (await fetch(config.filesUrl)).json();
    list.replaceChildren(...files.map((file) => {
      const item = document.createElement('li');
      item.textContent = file.fileName + ' (conversation ' + file.conversationId + ')';
      return item;
    }));
  }
  // What HighLevel's conversation view shows: each message with its attachments.
  const thread = document.getElementById('thread');
  async function refreshThread() {
    const messages = await (await fetch(config.threadUrl)).json();
    thread.replaceChildren(...messages.map((message) => {
      const item = document.createElement('li');
      item.className = 'message';
      const body = document.createElement('p');
      body.textContent = message.body;
      item.append(body);
      if (message.attachments.length > 0) {
        const files = document.createElement('ul');
        files.setAttribute('aria-label', 'Attachments');
        for (const url of message.attachments) {
          const file = document.createElement('li');
          const link = document.createElement('a');
          link.href = url;
          link.textContent = decodeURIComponent(url.split('/').pop());
          file.append(link);
          files.append(file);
        }
        item.append(files);
      }
      return item;
    }));
  }
  refresh();
  refreshThread();
  setInterval(() => { refresh(); refreshThread(); }, 1000);
</script>
</body>
</html>
`);
}
