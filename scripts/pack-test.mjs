// The package as a user gets it: `npm pack`, installed into a fresh app with React and
// TypeScript, every entry point imported, the examples of README.md and docs/*.md type-checked
// and the README's run: the React example rendered on the server (React 19, then 18), the BFF
// example answering a real upload through the mock; then a Next.js App Router app built and
// started with the route and a page.
// Needs `npm run build` first. Writes .reports/pack.json for `npm test`'s count.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const results = [];
// PACK_TEST_NODE_SIDE=1 (scripts/node-lines.mjs, on other Node lines): the entry points, the
// types and the server example only; React 18 and Next.js are the machine's Node's part.
const nodeSideOnly = process.env.PACK_TEST_NODE_SIDE === '1';
async function check(name, run) {
  try {
    await run();
    results.push({ name, ok: true });
    console.log(`  ✔ ${name}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`  ✘ ${name}\n    ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n    ')}`);
  }
}
const sh = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

/**
 * The code blocks of README.md and docs/*.md that follow an `<!-- example: FILE -->` marker, by
 * FILE; a name used twice is an error, since one file would silently replace the other.
 */
function docExamples() {
  const pages = ['README.md', ...readdirSync('docs').filter((name) => name.endsWith('.md')).sort().map((name) => join('docs', name))];
  const examples = {};
  for (const page of pages) {
    for (const match of readFileSync(page, 'utf8').matchAll(/<!-- example: (\S+) -->\s*```\w*\n([\s\S]*?)```/g)) {
      if (examples[match[1]] !== undefined) throw new Error(`two examples named ${match[1]} (the second in ${page})`);
      examples[match[1]] = match[2];
    }
  }
  return examples;
}

const app = mkdtempSync(join(tmpdir(), 'ghl-pack-'));
console.log(`Packing and installing into ${app}`);
try {
  const tarball = join(app, JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', app], process.cwd()))[0].filename);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-test-app', private: true, type: 'module' }));
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'react@^19.3.1', 'react-dom@^19.3.1',
    '@tanstack/react-query@^5.108.0', 'typescript@~6.0.2', '@types/react@^19.3.0', '@types/react-dom@^19.2.0', '@types/node@^20.19.0'], app);

  const examples = docExamples();
  await check('README has the React, server and route-file examples', () => {
    for (const name of ['react-app.tsx', 'server.ts', 'route.ts']) if (!examples[name]) throw new Error(`README lacks <!-- example: ${name} -->`);
  });
  mkdirSync(join(app, 'src'));
  for (const [name, code] of Object.entries(examples)) writeFileSync(join(app, 'src', name), code);
  writeFileSync(join(app, 'src', 'entries.ts'), `
import { AttachmentUploader, useAttachmentUploader, DEFAULT_FILE_TYPES, UploadError, type UploadedFile, type ErrorCode } from 'ghl-attachments';
import { createUploadHandler, toNodeHandler, staticToken, oauthToken, type UploadHandlerOptions } from 'ghl-attachments/server';
import { startMockHighLevel, createMockHighLevel, type MockFault } from 'ghl-attachments/mock';
import { defineGhlAttachments, GhlAttachmentsElement } from 'ghl-attachments/embed';
import { Uploader, errorMessage, type UploaderOptions } from 'ghl-attachments/client';
export const all = [AttachmentUploader, useAttachmentUploader, DEFAULT_FILE_TYPES, UploadError, createUploadHandler, toNodeHandler, staticToken, oauthToken, startMockHighLevel, createMockHighLevel, defineGhlAttachments, GhlAttachmentsElement, Uploader, errorMessage];
export type All = [UploadedFile, ErrorCode, UploadHandlerOptions, MockFault, UploaderOptions];
`);
  writeFileSync(join(app, 'src', 'globals.d.ts'), "declare module '*.css';\n");
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', jsx: 'react-jsx', strict: true,
      skipLibCheck: false, lib: ['ES2023', 'DOM', 'DOM.Iterable'], types: ['node'], outDir: 'out', rootDir: 'src' },
    include: ['src'],
  }));

  await check('the types of every entry point and of the examples compile (tsc, strict, NodeNext)', () => {
    try {
      sh('npx', ['tsc', '-p', 'tsconfig.json'], app);
    } catch (error) {
      throw new Error(`${error.stdout}${error.stderr}`);
    }
  });

  // Node cannot import a stylesheet; a bundler would. Only for running, the import is dropped.
  const dropStylesheet = () => {
    const path = join(app, 'out', 'react-app.js');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^import ['"][^'"]+\.css['"];\s*$/m, ''));
  };
  dropStylesheet();
  const load = (name) => import(pathToFileURL(join(app, 'out', name)).href);

  await check('every entry point imports in Node (no window needed), the embed entry too', async () => {
    const entries = await load('entries.js');
    if (entries.all.some((value) => value === undefined)) throw new Error('an export is missing');
  });

  // Rendered in a child process, so that React 18 can be loaded after 19 below.
  writeFileSync(join(app, 'render.mjs'), `
import { createElement, version } from 'react';
import { renderToString } from 'react-dom/server';
import { MessageComposer } from './out/react-app.js';
const html = renderToString(createElement(MessageComposer, { conversationId: 'c1' }));
if (!html.includes('Drop files here to attach them')) throw new Error('unexpected HTML: ' + html.slice(0, 200));
console.log(version);
`);
  const renderedOn = () => sh('node', ['render.mjs'], app).trim();

  await check('the React example renders on the server (React 19)', () => {
    if (!renderedOn().startsWith('19.')) throw new Error('not React 19');
  });

  await check('the server example refuses an upload without the session, answers one with it through the mock, and the URL serves the bytes', async () => {
    const mockEntry = await import(pathToFileURL(join(app, 'node_modules/ghl-attachments/dist/mock.js')).href);
    const mock = await mockEntry.startMockHighLevel();
    const port = await freePort();
    Object.assign(process.env, { GHL_TOKEN: mock.token, GHL_LOCATION_ID: mock.locationId, GHL_API_BASE: mock.url, PORT: String(port) });
    const { server } = await load('server.js');
    try {
      const png = readFileSync('e2e/fixtures/sample.png');
      const form = new FormData();
      form.append('conversationId', 'c1');
      form.append('file', new Blob([png], { type: 'image/png' }), 'a.png');
      const endpoint = `http://127.0.0.1:${port}/api/attachments`;
      const headers = { 'X-Requested-With': 'ghl-attachments' };
      const refused = await fetch(endpoint, { method: 'POST', body: form, headers });
      if (refused.status !== 401) throw new Error(`without the session: status ${refused.status}, not 401`);
      if (mock.stats.uploadRequests !== 0) throw new Error('an unauthorized upload reached HighLevel');
      const answer = await fetch(endpoint, { method: 'POST', body: form, headers: { ...headers, Authorization: 'Bearer session-of-user-1' } });
      const body = await answer.json();
      if (answer.status !== 200) throw new Error(`status ${answer.status}: ${JSON.stringify(body)}`);
      const served = Buffer.from(await (await fetch(body.files[0].url)).arrayBuffer());
      if (!served.equals(png)) throw new Error('the URL serves other bytes');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await mock.close();
    }
  });

  if (!nodeSideOnly) await check('on React 18 too: the types compile and the React example renders on the server', () => {
    sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', 'react@^18.3.1', 'react-dom@^18.3.1', '@types/react@^18.3.0', '@types/react-dom@^18.3.0'], app);
    try {
      sh('npx', ['tsc', '-p', 'tsconfig.json'], app);
    } catch (error) {
      throw new Error(`${error.stdout}${error.stderr}`);
    }
    dropStylesheet();
    const version = renderedOn();
    if (!version.startsWith('18.')) throw new Error(`rendered on React ${version}`);
  });

  if (!nodeSideOnly) await nextAppChecks(tarball);
} finally {
  rmSync(app, { recursive: true, force: true });
}

/**
 * A Next.js App Router app, as a Next user writes one: the route file takes the handler's
 * `{ GET, POST, OPTIONS }`, a Server Component page renders the widget. `next build` type-checks
 * both (Next's own route checks included) and renders the page on the server; `next start` then
 * serves a real upload through the route to the mock.
 */
async function nextAppChecks(tarball) {
  const next = mkdtempSync(join(tmpdir(), 'ghl-next-'));
  try {
    writeFileSync(join(next, 'package.json'), JSON.stringify({ name: 'pack-test-next', private: true }));
    sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'next@^16', 'react@^19.3.1', 'react-dom@^19.3.1',
      '@tanstack/react-query@^5.108.0', 'typescript@~6.0.2', '@types/react@^19.3.0', '@types/node@^20.19.0'], next);
    mkdirSync(join(next, 'app', 'api', 'attachments', '[[...path]]'), { recursive: true });
    writeFileSync(join(next, 'app', 'layout.tsx'), `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return <html lang="en"><body>{children}</body></html>;
}
`);
    writeFileSync(join(next, 'app', 'page.tsx'), `import { AttachmentUploader } from 'ghl-attachments';

// A Server Component: the widget is a client component ('use client' in the built entry).
export default function Page() {
  return <main><h1>Compose</h1><AttachmentUploader conversationId="c1" endpoint="/api/attachments" /></main>;
}
`);
    // The README's route file, as it is.
    writeFileSync(join(next, 'app', 'api', 'attachments', '[[...path]]', 'route.ts'), docExamples()['route.ts']);
    const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
    await check('Next.js: the App Router route ({ GET, POST, OPTIONS }) and a Server Component page build and type-check (next build)', () => {
      try {
        execFileSync('npx', ['next', 'build'], { cwd: next, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      } catch (error) {
        throw new Error(`${error.stdout}${error.stderr}`.slice(-3000));
      }
    });
    await check('Next.js: the page is rendered on the server with the widget in it', () => {
      const html = readFileSync(join(next, '.next', 'server', 'app', 'index.html'), 'utf8');
      if (!html.includes('Drop files here to attach them') || !html.includes('Choose files to attach')) throw new Error(html.slice(0, 300));
    });
    await check('Next.js: the README’s route file refuses an upload without the session, answers one with it, its preview and its policy at /config through the mock (next start)', async () => {
      const mockEntry = await import(pathToFileURL(join(next, 'node_modules/ghl-attachments/dist/mock.js')).href);
      const mock = await mockEntry.startMockHighLevel();
      const port = await freePort();
      const server = spawn('npx', ['next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
        cwd: next,
        env: { ...env, GHL_TOKEN: mock.token, GHL_LOCATION_ID: mock.locationId, GHL_API_BASE: mock.url },
        stdio: 'ignore',
        detached: true,
      });
      try {
        const endpoint = `http://127.0.0.1:${port}/api/attachments`;
        for (let tries = 0; ; tries += 1) {
          const up = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
          if (up) break;
          if (tries > 150) throw new Error('next start did not answer within 30 s');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const png = readFileSync('e2e/fixtures/sample.png');
        const form = new FormData();
        form.append('conversationId', 'c1');
        form.append('file', new Blob([png], { type: 'image/png' }), 'a.png');
        const headers = { 'X-Requested-With': 'ghl-attachments' };
        const refused = await fetch(endpoint, { method: 'POST', body: form, headers });
        if (refused.status !== 401) throw new Error(`without the session: status ${refused.status}, not 401`);
        if (mock.stats.uploadRequests !== 0) throw new Error('an unauthorized upload reached HighLevel');
        const session = { ...headers, Authorization: 'Bearer session-of-user-1' };
        const answer = await fetch(endpoint, { method: 'POST', body: form, headers: session });
        const body = await answer.json();
        if (answer.status !== 200) throw new Error(`status ${answer.status}: ${JSON.stringify(body)}`);
        const served = Buffer.from(await (await fetch(body.files[0].url)).arrayBuffer());
        if (!served.equals(png)) throw new Error('the URL serves other bytes');
        const preview = await fetch(body.files[0].previewUrl, { headers: session });
        if (preview.status !== 200) throw new Error(`the preview link answered ${preview.status}`);
        // The optional catch-all hands the route its sub-paths: the policy here.
        const policy = await fetch(`${endpoint}/config`);
        const rules = await policy.json().catch(() => null);
        if (policy.status !== 200 || typeof rules?.maxFileSize !== 'number') throw new Error(`/config answered ${policy.status}: ${JSON.stringify(rules)}`);
      } finally {
        // next start runs under npx: end the whole group.
        try {
          process.kill(-server.pid, 'SIGTERM');
        } catch {
          server.kill('SIGTERM');
        }
        await mock.close();
      }
    });
  } finally {
    rmSync(next, { recursive: true, force: true });
  }
}

const passed = results.filter((result) => result.ok).length;
mkdirSync('.reports', { recursive: true });
writeFileSync(process.env.PACK_REPORT ?? '.reports/pack.json', JSON.stringify({ passed, failed: results.length - passed }));
console.log(`pack: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
