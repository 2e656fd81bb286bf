/**
 * Gives `root` (a document or a shadow root) the style sheet `css`, once per root, as a
 * constructed style sheet: a page whose Content-Security-Policy refuses inline styles
 * (`style-src` without `'unsafe-inline'`) blocks a `<style>` element, not a sheet made by script.
 * Where constructed sheets are missing (browsers before 2023), a `<style>` element instead.
 */
export function adoptStyles(root: Document | ShadowRoot, css: string): void {
  const adopted = adoptedByRoot.get(root) ?? new Set<string>();
  if (adopted.has(css)) return;
  adopted.add(css);
  adoptedByRoot.set(root, adopted);
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return;
  }
  const style = (root.ownerDocument ?? (root as Document)).createElement('style');
  style.textContent = css;
  (root instanceof Document ? root.head : root).append(style);
}

const adoptedByRoot = new WeakMap<Document | ShadowRoot, Set<string>>();
