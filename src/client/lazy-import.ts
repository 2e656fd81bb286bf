/**
 * Code loaded on first need that a page can load again after a failure (it was offline).
 *
 * Asked again, most loaders fetch a module whose load failed (webpack's chunks, Safari), but
 * Chromium keeps the error of a failed module URL for the page's life: the same `import()` fails
 * again at once, with no request, and the page could never upload until reloaded. So when a
 * load fails again and the error names the module's URL (Chromium's and Firefox's words do), that
 * URL is imported once more under a query of its own, new to the browser's module map; the server
 * serves the same file.
 *
 * What that URL exports is not always the module: a bundler may put it in a chunk beside others,
 * under short names, and pick it out after the import (`import('./chunk.js').then((n) => n.t)`).
 * The module is recognised by a function it exports (`exportName`), in the chunk or among its
 * exports; an answer in which it is not found fails as the load did, and is not kept.
 *
 * A module that loaded but one of whose own imports failed is not mended this way (its imports
 * keep their URLs): that takes a connection lost in the milliseconds between the two requests.
 */
export function lazyImport<M>(importer: () => Promise<M>, exportName: keyof M & string): () => Promise<M> {
  let loading: Promise<M> | undefined;
  let failures = 0;
  return () =>
    (loading ??= importer()
      .catch(async (error: unknown) => {
        // The first failure is the connection's; from the second on, it may be the browser's memory of it.
        const url = failures > 0 && /dynamically imported module: ([^\s#]+)/i.exec(String(error))?.[1];
        if (!url) throw error;
        const loaded = (await import(/* @vite-ignore */ /* webpackIgnore: true */ `${url}${url.includes('?') ? '&' : '?'}load=${failures}`)) as Record<string, unknown>;
        const found = [loaded, ...Object.values(loaded)].find(
          (value) => typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[exportName] === 'function',
        );
        if (!found) throw error;
        return found as M;
      })
      .catch((error: unknown) => {
        failures += 1;
        loading = undefined;
        throw error;
      }));
}
