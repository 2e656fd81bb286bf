// A CRM page's own script: it only listens. The element reports uploads as DOM events; the
// frame as messages, which are taken only from the frame's own origin.
function list(id, urls) {
  const ul = document.getElementById(id);
  for (const url of urls) {
    const li = document.createElement('li');
    li.textContent = url;
    ul.append(li);
  }
}

document.addEventListener('ghl-upload-success', (event) => {
  list('element-urls', [event.detail.file.url]);
});

window.addEventListener('message', (event) => {
  if (event.origin !== window.location.origin) return;
  if (event.data?.source !== 'ghl-attachments' || event.data.type !== 'ghl-upload-success') return;
  list('frame-urls', [event.data.detail.file.url]);
});
