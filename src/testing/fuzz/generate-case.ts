/** One case's bytes, from its recipe. */
import { pngOfSize } from '../fixtures.js';
import { bin, CRLF, headerIndex, headEndsWithin, render as renderDraft, ROUTE, setHeader, splitWrites, type Chunking, type Draft } from './draft.js';
import { baseDraft, contentTypeOf, namesPass, renderForm, validForm } from './forms.js';
import type { FuzzCase, FuzzContext } from './fuzz-case.js';
import { applyByteEdits } from './byte-edits.js';
import { randomToken } from './draws.js';
import type { CaseRecipe } from './recipe.js';
import { Rng } from './tape.js';

/**
 * One generated request, from its own choices (see {@link Rng}). `id` names it in
 * reports and in its form's conversation id. The same stream gives the same request, but for the
 * port in `Host` (and what its length shifts) and the fixtures it is made of.
 */
export function generateCase(recipe: CaseRecipe, id: number, ctx: FuzzContext): FuzzCase {
  const { kind } = recipe;
  const rng = new Rng(recipe.tape);
  const render = (one: Draft) => renderDraft(one, recipe.chunking);
  const conversationId = `fz-${id}`;
  const base = validForm(rng, conversationId);
  const draft = baseDraft(ctx, base.form, rng);
  const made: Omit<FuzzCase, 'id' | 'kind' | 'conversationId' | 'note'> = {
    writes: [],
    then: 'wait',
    expect: 'answer',
    leavesAfterComplete: false,
    slow: false,
  };

  switch (kind) {
    case 'valid': {
      const variant = recipe.valid!;
      draft.notes.push(variant);
      if (variant === 'chunked') draft.framing = 'chunked';
      if (variant === 'http-1.0') draft.version = 'HTTP/1.0';
      if (variant === 'expect-continue') draft.headers.splice(1, 0, 'Expect: 100-continue');
      if (variant === 'header-case') draft.headers = draft.headers.map((line) => (rng.chance(0.5) ? line.replace(/^[^:]+/, (name) => name.toUpperCase()) : line.replace(/^[^:]+/, (name) => name.toLowerCase())));
      const { head, body } = render(draft);
      const bytes = Buffer.concat([head, body]);
      made.writes = variant === 'split' ? splitWrites(rng, bytes, rng.between(2, 8), () => rng.between(1, 3)) : [bytes];
      if (namesPass(base.files)) {
        made.expectStatus = 200;
        made.expectFiles = base.files;
      }
      break;
    }
    case 'method': {
      const method = recipe.method!;
      draft.method = method;
      draft.notes.push(JSON.stringify(method.length > 30 ? `${method[0]}×${method.length}` : method));
      const { head, body } = render(draft);
      made.writes = [Buffer.concat([head, body])];
      // Node closes a CONNECT it has no handler for without a word.
      if (method === 'CONNECT') made.expect = 'end';
      break;
    }
    case 'target': {
      draft.method = rng.pick(['POST', 'POST', 'GET', 'OPTIONS', 'HEAD']);
      draft.target = recipe.target!(ctx.host);
      draft.notes.push(`${draft.method} ${JSON.stringify(draft.target.length > 60 ? `${draft.target.slice(0, 40)}…(${draft.target.length})` : draft.target)}`);
      const { head, body } = render(draft);
      made.writes = [Buffer.concat([head, body])];
      break;
    }
    case 'host': {
      const value = recipe.host!(ctx.host);
      const hostAt = headerIndex(draft, 'host');
      if (value === undefined) draft.headers.splice(hostAt, 1);
      else draft.headers[hostAt] = `Host: ${value}`;
      if (rng.chance(0.2)) draft.headers.splice(rng.between(0, draft.headers.length), 0, `Host: ${rng.chance(0.5) ? ctx.host : 'evil.example'}`);
      if (rng.chance(0.2) && value) draft.headers.push(`Origin: http://${value}`);
      if (rng.chance(0.2)) draft.version = 'HTTP/1.0';
      draft.notes.push(value === undefined ? 'no Host' : JSON.stringify(value.length > 40 ? `${value[0]}×${value.length}` : value));
      const { head, body } = render(draft);
      made.writes = [Buffer.concat([head, body])];
      break;
    }
    case 'header': {
      const { edits, headBytes } = recipe.header!;
      for (const edit of edits) edit(draft, ctx);
      const { head: cleanHead, body } = render(draft);
      let head = cleanHead;
      if (headBytes) {
        // Damage to the head's bytes; its framing may no longer be what it says.
        head = applyByteEdits(head.subarray(0, head.length - 4), headBytes, '', draft.notes);
        head = Buffer.concat([head, bin(`${CRLF}${CRLF}`)]);
        if (head.indexOf('\r\n\r\n') !== head.length - 4) made.expect = 'any';
        else made.expect = 'end';
        made.slow = true;
      }
      made.writes = [Buffer.concat([head, body])];
      break;
    }
    case 'length': {
      recipe.length!(draft);
      const { head, body } = render(draft);
      made.writes = [Buffer.concat([head, body])];
      made.slow = draft.notes[0] === 'long';
      break;
    }
    case 'chunked': {
      draft.framing = 'none';
      const body = recipe.chunked!(draft, recipe.chunking);
      const { head } = render(draft);
      made.writes = [Buffer.concat([head, body])];
      made.slow = ['size-too-big', 'no-terminator', 'terminator-without-crlf'].includes(draft.notes[0] ?? '');
      break;
    }
    case 'body': {
      const form = base.form;
      const { form: formEdits, bytes: byteEdits, truncateAt, chunked: inChunks, split } = recipe.body!;
      for (const edit of formEdits) edit(form, draft.notes);
      let body = renderForm(form);
      if (byteEdits.length > 0) body = applyByteEdits(body, byteEdits, form.boundary, draft.notes);
      if (truncateAt !== undefined) {
        const at = Math.floor(truncateAt * body.length);
        body = body.subarray(0, at);
        draft.notes.push(`truncated at ${at}`);
      }
      setHeader(draft, 'Content-Type', contentTypeOf(form));
      draft.body = body;
      if (inChunks) draft.framing = 'chunked';
      const { head, body: wire } = render(draft);
      const bytes = Buffer.concat([head, wire]);
      made.writes = split ? splitWrites(rng, bytes, rng.between(2, 6), () => rng.between(1, 3)) : [bytes];
      break;
    }
    case 'slow': {
      if (rng.chance(0.5)) {
        const part = base.form.parts[1]!;
        part.body = Buffer.from(pngOfSize(rng.between(2_000, 40_000), rng.int(1000)));
        part.headers = ['Content-Disposition: form-data; name="file"; filename="slow.png"', 'Content-Type: image/png'];
        draft.body = renderForm(base.form);
      }
      const { head, body } = render(draft);
      const full = Buffer.concat([head, body]);
      const { stop, at, pieces, pausesMs, then } = recipe.slow!;
      const length = stop === 'complete' ? full.length : stop === 'mid-head' ? 1 + Math.floor(at * (head.length - 1)) : head.length + Math.floor(at * (full.length - head.length));
      let budget = 700;
      const pauses = pausesMs.values();
      made.writes = splitWrites(rng, full.subarray(0, length), pieces, () => {
        const pause = Math.min(budget, pauses.next().value ?? 20);
        budget -= pause;
        return pause;
      });
      made.then = then;
      made.leavesAfterComplete = stop === 'complete' && made.then !== 'wait';
      made.expect = made.then === 'destroy' ? 'any' : made.then === 'half-close' ? 'end' : headEndsWithin(full, length) ? 'answer' : 'any';
      made.slow = true;
      draft.notes.push(`${stop}, ${length} of ${full.length} bytes in ${pieces} pieces, then ${made.then}`);
      break;
    }
    case 'leave': {
      const { head, body } = render(draft);
      const full = Buffer.concat([head, body]);
      const { cut, pauseMs: pause, then } = recipe.leave!;
      const complete = cut === undefined;
      const length = complete ? full.length : 1 + Math.floor(cut * (full.length - 1));
      made.writes = [full.subarray(0, length)];
      if (pause > 0) made.writes.push(pause);
      made.then = then;
      made.leavesAfterComplete = complete;
      made.expect = made.then === 'destroy' ? 'any' : 'end';
      draft.notes.push(`${complete ? 'complete' : `${length} of ${full.length} bytes`}, ${pause} ms, then ${made.then}`);
      break;
    }
    case 'pipeline': {
      const count = rng.between(2, 3);
      const requests: Buffer[] = [];
      for (let i = 0; i < count; i += 1) {
        const last = i === count - 1;
        const which = rng.pick(['get', 'options', 'upload', 'bad-upload'] as const);
        draft.notes.push(which);
        const form = validForm(rng, `${conversationId}-${i}`);
        const one = baseDraft(ctx, form.form, rng);
        if (which === 'get') Object.assign(one, { method: 'GET', body: Buffer.alloc(0), framing: 'none' });
        if (which === 'options') Object.assign(one, { method: 'OPTIONS', body: Buffer.alloc(0), framing: 'none' });
        if (which === 'bad-upload') setHeader(one, 'X-Requested-With', undefined);
        if (!last) setHeader(one, 'Connection', 'keep-alive');
        const { head, body } = render(one);
        requests.push(head, body);
      }
      made.writes = [Buffer.concat(requests)];
      break;
    }
    case 'preview': {
      const handle = ctx.previewHandle ?? `${randomToken(rng, 40)}.${randomToken(rng, 43)}`;
      const variant = rng.pick(['real', 'flipped', 'truncated', 'appended', 'junk', 'two-params', 'range', 'cross-site', 'post'] as const);
      draft.notes.push(variant);
      let value = handle;
      if (variant === 'flipped') {
        const at = rng.int(handle.length);
        value = `${handle.slice(0, at)}${handle[at] === 'A' ? 'B' : 'A'}${handle.slice(at + 1)}`;
      } else if (variant === 'truncated') value = handle.slice(0, rng.int(handle.length));
      else if (variant === 'appended') value = `${handle}${rng.pick(['.', '.x', '=', '%00', 'A'])}`;
      else if (variant === 'junk') value = randomToken(rng, rng.between(0, 300));
      const target = variant === 'two-params' ? `${ROUTE}?preview=${value}&preview=x` : `${ROUTE}?preview=${value}`;
      const headers = [`Host: ${ctx.host}`];
      if (variant === 'range') headers.push(`Range: ${rng.pick(['bytes=0-1', 'bytes=-1', 'bytes=100000-', 'bytes=a-b', 'bytes=0-0,5-6', 'items=0-1'])}`);
      if (variant === 'cross-site') headers.push('Sec-Fetch-Site: cross-site');
      headers.push('Connection: close');
      const method = variant === 'post' ? 'POST' : 'GET';
      const preview: Draft = { method, target, version: 'HTTP/1.1', headers, body: Buffer.alloc(0), framing: method === 'POST' ? 'length' : 'none', notes: draft.notes };
      const { head } = render(preview);
      made.writes = [head];
      break;
    }
    case 'message':
      Object.assign(made, messageCase(rng, recipe.chunking, ctx, conversationId, draft.notes));
      break;
  }
  return { id, kind, conversationId, note: draft.notes.join('; '), ...made };
}

/**
 * A send (`POST {route}/messages`, JSON): valid, or broken in its key, type, JSON, size, fields,
 * attachment handles or pace. A valid one must get 200; the others an answer, never a 5xx.
 */
function messageCase(rng: Rng, chunking: Chunking, ctx: FuzzContext, conversationId: string, notes: string[]): Partial<FuzzCase> {
  const attachment = ctx.attachment;
  const withFile = attachment !== undefined && rng.chance(0.5);
  const body: Record<string, unknown> = { conversationId: withFile ? attachment.conversationId : conversationId, message: rng.pick(['hi', 'Here are the files', '日本語 😀', ' x ']) };
  if (withFile) body.attachments = [attachment.handle];
  const variant = rng.pick([
    'valid',
    'valid',
    'no-key',
    'bad-key',
    'not-json',
    'text-plain',
    'bad-json',
    'deep-json',
    'huge-declared',
    'huge-chunked',
    'extra-field',
    'wrong-types',
    'handle-flipped',
    'handle-junk',
    'bare-url',
    'many-attachments',
    'short-body',
    'drip',
  ] as const);
  notes.push(`message ${variant}${withFile ? ' with a file' : ''}`);
  // The case's own id in the key: sent again while fast-check shrinks, it is another message, not one already sent.
  const headers = [`Host: ${ctx.host}`, 'Content-Type: application/json', 'X-Requested-With: ghl-attachments', `Idempotency-Key: fz-key-${conversationId}-${randomToken(rng, 16)}`, 'Connection: close'];
  let text = JSON.stringify(body);
  let framing: Draft['framing'] = 'length';
  const made: Partial<FuzzCase> = { then: 'wait', expect: 'answer' };
  switch (variant) {
    case 'valid':
      made.expectStatus = 200;
      break;
    case 'no-key':
      headers.splice(3, 1);
      break;
    case 'bad-key':
      headers[3] = `Idempotency-Key: ${rng.pick(['', 'short', 'x'.repeat(300), 'with space inside', 'éééééééé'])}`;
      break;
    case 'not-json':
      text = randomToken(rng, rng.between(0, 200));
      break;
    case 'text-plain':
      headers[1] = 'Content-Type: text/plain';
      break;
    case 'bad-json':
      text = text.slice(0, rng.int(text.length));
      break;
    case 'deep-json':
      text = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      break;
    case 'huge-declared':
      text = JSON.stringify({ ...body, message: 'x'.repeat(rng.between(65_536, 200_000)) });
      break;
    case 'huge-chunked':
      text = JSON.stringify({ ...body, message: 'x'.repeat(rng.between(65_536, 200_000)) });
      framing = 'chunked';
      break;
    case 'extra-field':
      text = JSON.stringify({ ...body, [rng.pick(['contactId', 'locationId', '__proto__', 'attachmentUrls', 'type'])]: rng.pick(['x', 1, null, [], {}]) });
      break;
    case 'wrong-types':
      text = JSON.stringify({ ...body, [rng.pick(['conversationId', 'message', 'subject', 'html', 'attachments'])]: rng.pick([1, null, true, {}, [1], ['x'.repeat(5000)]]) });
      break;
    case 'handle-flipped': {
      const handle = attachment?.handle ?? `${randomToken(rng, 40)}.${randomToken(rng, 43)}`;
      const at = rng.int(handle.length);
      text = JSON.stringify({ ...body, attachments: [`${handle.slice(0, at)}${handle[at] === 'A' ? 'B' : 'A'}${handle.slice(at + 1)}`] });
      break;
    }
    case 'handle-junk':
      text = JSON.stringify({ ...body, attachments: [randomToken(rng, rng.between(0, 300))] });
      break;
    case 'bare-url':
      text = JSON.stringify({ ...body, attachments: [`http://${ctx.host}/conversations-assets/x.png`] });
      break;
    case 'many-attachments':
      text = JSON.stringify({ ...body, attachments: Array.from({ length: rng.between(6, 1000) }, () => attachment?.handle ?? 'x') });
      break;
    case 'short-body':
      break;
    case 'drip':
      break;
  }
  const draft: Draft = { method: 'POST', target: `${ROUTE}/messages`, version: 'HTTP/1.1', headers, body: Buffer.from(text, 'utf8'), framing, notes };
  const { head, body: bytes } = renderDraft(draft, chunking);
  if (variant === 'short-body') {
    // Declares more than it sends: the read deadline answers 408.
    made.writes = [head, bytes.subarray(0, rng.int(bytes.length))];
    made.slow = true;
  } else if (variant === 'drip') {
    const full = Buffer.concat([head, bytes]);
    let budget = 1500;
    made.writes = splitWrites(rng, full, rng.between(3, 8), () => {
      const pause = Math.min(budget, rng.between(100, 400));
      budget -= pause;
      return pause;
    });
    made.slow = true;
  } else made.writes = [Buffer.concat([head, bytes])];
  return made;
}
