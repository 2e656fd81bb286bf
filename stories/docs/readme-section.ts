/**
 * One `## ` section of the README, without its heading: the Storybook usage page shows the
 * README's own text, so there is one copy of each example to keep true (and the pack test runs
 * those examples).
 */
export function readmeSection(readme: string, heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const body = readme.slice(start + heading.length + 5);
  const end = body.search(/\n## /);
  // The examples' markers are for the pack test; they are noise on the page.
  return (end < 0 ? body : body.slice(0, end)).replace(/<!--.*?-->\n/g, '').trim();
}
