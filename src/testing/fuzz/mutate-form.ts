/** Structural damage to a multipart form: its fields, files, names, part headers, boundary, framing. */
import { bin, CRLF, utf8AsBinary } from './draft.js';
import { BAD_NAMES, extValue, fieldPart, filenameParam, FIXTURE_NAMES, fixtureBytes, GOOD_STEMS, type Form } from './forms.js';
import type { Rng } from './tape.js';

export function mutateForm(rng: Rng, form: Form, notes: string[]): void {
  const fileIndexes = () => form.parts.map((part, i) => (part.headers[0]?.includes('filename') ? i : -1)).filter((i) => i >= 0);
  const op = rng.weighted([
    [3, 'duplicate-field'],
    [3, 'field-after-files'],
    [3, 'extra-field'],
    [2, 'no-conversation'],
    [4, 'conversation-value'],
    [3, 'duplicate-file'],
    [2, 'six-files'],
    [2, 'no-files'],
    [3, 'file-field-name'],
    [6, 'bad-name'],
    [3, 'odd-name-encoding'],
    [4, 'wrong-content'],
    [2, 'empty-file'],
    [2, 'part-headers'],
    [4, 'boundary'],
    [2, 'line-breaks'],
    [2, 'preamble-epilogue'],
    [2, 'unclosed'],
    [1, 'many-fields'],
    [1, 'huge-field'],
    [1, 'huge-part-header'],
  ] as const);
  notes.push(op);
  switch (op) {
    case 'duplicate-field':
      form.parts.splice(1, 0, fieldPart('conversationId', rng.chance(0.5) ? 'other' : 'fz-dup'));
      break;
    case 'field-after-files':
      form.parts.push(fieldPart(rng.pick(['conversationId', 'locationId', 'note']), 'x'));
      break;
    case 'extra-field':
      form.parts.splice(rng.between(0, 1), 0, fieldPart(rng.pick(['locationId', 'attachmentUrls', 'contactId', 'file', '', 'conversationid']), rng.pick(['someone-else', 'https://evil.example/x', ''])));
      break;
    case 'no-conversation':
      form.parts.shift();
      break;
    case 'conversation-value': {
      const value = rng.pick(['', 'a'.repeat(129), 'b'.repeat(300), '../../admin', 'conv 1', 'ü', '\u0000', 'x\r\ny', 'a'.repeat(128), 'conv1;x', '%2e%2e']);
      form.parts[0] = fieldPart('conversationId', value);
      notes.push(JSON.stringify(value.length > 20 ? `${value[0]}×${value.length}` : value));
      break;
    }
    case 'duplicate-file': {
      const files = fileIndexes();
      if (files.length > 0) form.parts.push(form.parts[rng.pick(files)]!);
      break;
    }
    case 'six-files': {
      const files = fileIndexes();
      if (files.length > 0) while (form.parts.length < 7 + rng.int(3)) form.parts.push(form.parts[rng.pick(files)]!);
      break;
    }
    case 'no-files':
      form.parts = form.parts.filter((part) => !part.headers[0]?.includes('filename'));
      break;
    case 'file-field-name': {
      const files = fileIndexes();
      const index = files.length > 0 ? rng.pick(files) : 1;
      const part = form.parts[index];
      if (part) {
        const name = rng.pick(['fileAttachment', 'File', 'files', 'file[]', '', 'conversationId']);
        part.headers = [(part.headers[0] ?? '').replace(/name="[^"]*"/, `name="${name}"`), ...part.headers.slice(1)];
      }
      break;
    }
    case 'bad-name':
    case 'odd-name-encoding': {
      const files = fileIndexes();
      const index = files.length > 0 ? rng.pick(files) : -1;
      const part = form.parts[index];
      if (!part) break;
      const name = op === 'bad-name' ? rng.pick(BAD_NAMES) : `${rng.pick(GOOD_STEMS)}.png`;
      const encoding = rng.pick(['quoted', 'html', 'token', 'ext-value'] as const);
      const raw = rng.pick([
        filenameParam(name, encoding),
        `filename="${utf8AsBinary(name)}"`,
        `filename="${name}`,
        `filename="a.png"; filename*=UTF-8''${extValue(name)}`,
        `filename*=ISO-8859-1''${escape(name)}`,
        `filename*=UTF-8''%E0%A4%A`,
        `filename=""`,
        `FILENAME="${utf8AsBinary(name)}"`,
      ]);
      part.headers = [`Content-Disposition: form-data; name="file"; ${raw}`, ...part.headers.slice(1)];
      notes.push(JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw));
      break;
    }
    case 'wrong-content': {
      const files = fileIndexes();
      const part = form.parts[files.length > 0 ? rng.pick(files) : -1];
      if (!part) break;
      const content = rng.pick(['exe', 'html', 'other-fixture', 'random', 'text-in-binary', 'truncated-signature'] as const);
      notes.push(content);
      if (content === 'exe') part.body = Buffer.concat([bin('MZ\u0090\u0000\u0003'), Buffer.alloc(rng.between(0, 600))]);
      else if (content === 'html') part.body = bin('<html><script>alert(1)</script></html>');
      else if (content === 'other-fixture') part.body = fixtureBytes(rng.pick(FIXTURE_NAMES));
      else if (content === 'random') part.body = rng.bytes(rng.between(1, 5000));
      else if (content === 'text-in-binary') part.body = bin('just some text\n'.repeat(rng.between(1, 40)));
      else part.body = part.body.subarray(0, rng.between(1, Math.min(8, part.body.length)));
      break;
    }
    case 'empty-file': {
      const files = fileIndexes();
      const part = form.parts[files.length > 0 ? rng.pick(files) : -1];
      if (part) part.body = Buffer.alloc(0);
      break;
    }
    case 'part-headers': {
      const part = rng.pick(form.parts);
      if (!part) break;
      // Parts keep at least a first line here, even after an earlier mutation dropped them all.
      const first = part.headers[0] ?? 'Content-Disposition: form-data; name="file"; filename="x.png"';
      const change = rng.pick(['drop-disposition', 'drop-all', 'fold', 'nul', 'no-colon', 'attachment', 'lower-case', 'content-transfer-encoding', 'duplicate-disposition'] as const);
      notes.push(change);
      if (change === 'drop-disposition') part.headers = part.headers.slice(1);
      else if (change === 'drop-all') part.headers = [];
      else if (change === 'fold') part.headers = [first.replace('; ', ';\r\n '), ...part.headers.slice(1)];
      else if (change === 'nul') part.headers = [`${first}\u0000`, ...part.headers.slice(1)];
      else if (change === 'no-colon') part.headers = [...part.headers, 'Garbage header line'];
      else if (change === 'attachment') part.headers = [first.replace('form-data', 'attachment'), ...part.headers.slice(1)];
      else if (change === 'lower-case') part.headers = part.headers.map((line) => line.toLowerCase());
      else if (change === 'content-transfer-encoding') part.headers = [...part.headers, `Content-Transfer-Encoding: ${rng.pick(['base64', 'quoted-printable', '8bit', 'x'])}`];
      else part.headers = [first.replace(/name="[^"]*"/, 'name="other"'), ...part.headers];
      break;
    }
    case 'boundary': {
      const change = rng.pick(['other', 'empty', 'quoted-open', 'not-a-boundary-param', 'case', 'two-params', 'long', 'spaces', 'in-content', 'prefix', 'no-params', 'charset-first', 'missing-semicolon'] as const);
      notes.push(change);
      if (change === 'other') form.headerBoundary = 'other';
      else if (change === 'empty') form.contentType = 'multipart/form-data; boundary=';
      else if (change === 'quoted-open') form.contentType = `multipart/form-data; boundary="${form.boundary}`;
      else if (change === 'not-a-boundary-param') form.contentType = `multipart/form-data; a="boundary=${form.boundary}"`;
      else if (change === 'case') form.contentType = `Multipart/Form-Data; BOUNDARY=${form.headerBoundary}`;
      else if (change === 'two-params') form.contentType = `multipart/form-data; boundary=${form.headerBoundary}; boundary=zz`;
      else if (change === 'long') {
        form.boundary = 'b'.repeat(rng.pick([70, 71, 200, 5000]));
        form.headerBoundary = form.boundary;
      } else if (change === 'spaces') form.contentType = `multipart/form-data ;  boundary = ${form.headerBoundary} `;
      else if (change === 'in-content') {
        const part = form.parts[form.parts.length - 1]!;
        part.body = Buffer.concat([part.body, bin(`${CRLF}--${form.boundary}`)]);
      } else if (change === 'prefix') form.headerBoundary = form.boundary.slice(0, Math.max(1, form.boundary.length - 1));
      else if (change === 'no-params') form.contentType = 'multipart/form-data;';
      else if (change === 'charset-first') form.contentType = `multipart/form-data; charset=utf-8; boundary=${form.headerBoundary}`;
      else form.contentType = `multipart/form-data boundary=${form.headerBoundary}`;
      break;
    }
    case 'line-breaks':
      form.lineBreak = rng.pick(['\n', '\r', '\r\r\n']);
      break;
    case 'preamble-epilogue':
      if (rng.chance(0.5)) form.preamble = bin(rng.pick(['preamble\r\n', '\r\n', 'x'.repeat(2000), '--\r\n']));
      else form.epilogue = bin(rng.pick(['epilogue', `--${form.boundary}\r\nContent-Disposition: form-data; name="file"; filename="late.png"\r\n\r\nxx\r\n`, '\u0000'.repeat(100)]));
      break;
    case 'unclosed':
      form.close = false;
      break;
    case 'many-fields':
      for (let i = 0; i < rng.between(4, 40); i += 1) form.parts.splice(1, 0, fieldPart(`f${i}`, 'v'));
      break;
    case 'huge-field':
      form.parts[0] = fieldPart('conversationId', 'a'.repeat(rng.pick([257, 10_000, 200_000])));
      break;
    case 'huge-part-header': {
      const part = rng.pick(form.parts)!;
      part.headers = [...part.headers, `X-Big: ${'h'.repeat(rng.pick([1000, 17_000, 90_000]))}`];
      break;
    }
  }
}
