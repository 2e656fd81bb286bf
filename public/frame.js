// Configures the frame's element from its URL (?conversationId=&locale=&theme=&mode=composer&messageTypes=&sso=1) and the
// page's configured parent origin. postMessage then goes to that origin only.
const params = new URLSearchParams(window.location.search);
const element = document.querySelector('ghl-attachments');
for (const [param, attribute] of [['conversationId', 'conversation-id'], ['locale', 'locale'], ['theme', 'theme'], ['mode', 'mode'], ['messageTypes', 'message-types']]) {
  const value = params.get(param);
  if (value) element.setAttribute(attribute, value);
}
const configured = document.querySelector('meta[name="ghl-parent-origin"]')?.content;
element.setAttribute('parent-origin', configured || window.location.origin);
// As a Marketplace app's custom page (?sso=1): sign in through HighLevel's SSO, taking the
// answer only from the configured HighLevel origins (the meta tag; empty: HighLevel's own).
if (params.get('sso') === '1') {
  element.setAttribute('highlevel-sso', document.querySelector('meta[name="ghl-highlevel-origins"]')?.content ?? '');
}
