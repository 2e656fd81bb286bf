// docs/error-codes.md, written from the table client and server share (src/shared/error-codes.ts):
// each code with its status and the doc comment above it, grouped under the table's own line
// comments. `--check` writes nothing and fails when the file is not what this would write
// (`npm test` runs it), so the page cannot drift from the code.
import { readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const SOURCE = 'src/shared/error-codes.ts';
const TARGET = 'docs/error-codes.md';

/** The groups of ERROR_STATUS, in order: `{ title, rows: [{ code, status, when }] }`. */
export function errorCodeGroups(text = readFileSync(SOURCE, 'utf8')) {
  const file = ts.createSourceFile(SOURCE, text, ts.ScriptTarget.Latest, true);
  let table;
  file.forEachChild(function find(node) {
    if (ts.isVariableDeclaration(node) && node.name.getText(file) === 'ERROR_STATUS') table = node.initializer;
    else node.forEachChild(find);
  });
  while (table && (ts.isAsExpression(table) || ts.isSatisfiesExpression(table))) table = table.expression;
  if (!table || !ts.isObjectLiteralExpression(table)) throw new Error(`${SOURCE}: no ERROR_STATUS object literal`);
  const groups = [];
  for (const property of table.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isNumericLiteral(property.initializer)) {
      throw new Error(`${SOURCE}: ERROR_STATUS entry "${property.getText(file)}" is not \`code: status\``);
    }
    const code = ts.isStringLiteral(property.name) ? property.name.text : property.name.getText(file);
    const comments = (ts.getLeadingCommentRanges(text, property.getFullStart()) ?? []).map((range) => text.slice(range.pos, range.end));
    const heading = comments.filter((comment) => comment.startsWith('//')).map((comment) => comment.slice(2).trim()).join(' ');
    const doc = comments.findLast((comment) => comment.startsWith('/**'));
    if (!doc) throw new Error(`${SOURCE}: "${code}" has no /** doc comment */ saying when it is answered`);
    const when = doc.slice(3, -2).split('\n').map((line) => line.replace(/^\s*\*?\s?/, '').trim()).filter(Boolean).join(' ');
    if (heading || groups.length === 0) {
      // The comment's first sentence titles the group; the rest is said under the title.
      const end = heading.indexOf('. ');
      const title = (end < 0 ? heading : heading.slice(0, end)).replace(/\.$/, '') || 'Codes';
      const rest = end < 0 ? '' : heading.slice(end + 2);
      groups.push({ title, note: rest, rows: [] });
    }
    groups.at(-1).rows.push({ code, status: Number(property.initializer.text), when });
  }
  return groups;
}

/** The page, as Markdown. */
export function errorCodesPage(groups = errorCodeGroups()) {
  const lines = [
    '# Error codes',
    '',
    '<!-- Written by `node scripts/error-codes-doc.mjs` from src/shared/error-codes.ts; edit the',
    '     comments there, not this file. `npm test` fails when it is stale. -->',
    '',
    'The same codes on both sides of the wire. The BFF answers `{ "error": { "code", "message" } }`',
    'with the status below; the client rebuilds the same `UploadError` (for a body that is not ours,',
    'from the status alone), and the widget shows its own words for each code (`messages.errors`),',
    'so they can be translated. Status "—": the browser alone produces the code; nothing was answered.',
  ];
  for (const group of groups) {
    lines.push('', `## ${group.title}`, '');
    if (group.note) lines.push(group.note, '');
    lines.push('| code | status | when |', '|---|---|---|');
    for (const row of group.rows) lines.push(`| \`${row.code}\` | ${row.status === 0 ? '—' : row.status} | ${row.when.replaceAll('|', '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const page = errorCodesPage();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(TARGET, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== page) {
      console.error(`${TARGET} is stale: run \`node scripts/error-codes-doc.mjs\` and commit it.`);
      process.exit(1);
    }
    console.log(`${TARGET} is up to date.`);
  } else {
    writeFileSync(TARGET, page);
    console.log(`wrote ${TARGET}`);
  }
}
