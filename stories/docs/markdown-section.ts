/**
 * Parts of the README and of docs/*.md for the Storybook usage page: it shows their own text, so
 * there is one copy of each example to keep true (and the pack test runs those examples).
 */

/** Markers for the pack test, and links to other pages, which lead nowhere inside Storybook. */
function forThePage(markdown: string): string {
  return markdown
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    .replace(/\[([^\]]+)\]\((?!https?:)[^)]*\.md(?:#[^)]*)?\)/g, '$1')
    .replace(/\[([^\]]+)\]\(#[^)]*\)/g, '$1')
    .trim();
}

/** One `## ` section, without its heading, up to the next `## `. */
export function markdownSection(markdown: string, heading: string, file = 'README'): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`${file} has no "## ${heading}" section`);
  const body = markdown.slice(start + heading.length + 5);
  const end = body.search(/\n## /);
  return forThePage(end < 0 ? body : body.slice(0, end));
}

/** A whole page without its `# ` title, its sections one level down so they sit under the page's own. */
export function markdownPage(markdown: string): string {
  return forThePage(markdown.replace(/^# .*\n/, '').replace(/^(#{2,5}) /gm, '#$1 '));
}
