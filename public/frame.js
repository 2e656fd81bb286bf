// Configures the frame's element from its URL (?conversationId=&locale=&theme=) and the page's
// configured parent origin. postMessage then goes to that origin only.
const params = new URLSearchParams(window.location.search);
const element = document.querySelector('ghl-attachments');
for (const [param, attribute] of [['conversationId', 'conversation-id'], ['locale', 'locale'], ['theme', 'theme']]) {
  const value = params.get(param);
  if (value) element.setAttribute(attribute, value);
}
const configured = document.querySelector('meta[name="ghl-parent-origin"]')?.content;
element.setAttribute('parent-origin', configured || window.location.origin);
