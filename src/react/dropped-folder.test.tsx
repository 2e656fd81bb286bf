/**
 * A folder dropped on the dropzone: the browser hands over one item for the folder, and its
 * files are read from the entry API (`webkitGetAsEntry()`, `createReader().readEntries()`), as
 * react-dropzone's file-selector reads them. The files inside, nested ones included, are taken
 * and judged like any other: uploaded to the real BFF and mock, or refused with a reason.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, pngOfSize } from '../testing/fixtures.js';
import { MyUploader } from '../testing/my-uploader.js';
import { ownStack } from '../testing/own-stack.js';

const { origin } = await ownStack();
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
});

/** A file entry of the entry API (FileSystemFileEntry), as Chromium hands it over. */
interface FakeFileEntry {
  isFile: true;
  isDirectory: false;
  name: string;
  fullPath: string;
  file(success: (file: File) => void, failure?: (error: Error) => void): void;
}

/** A directory entry (FileSystemDirectoryEntry): its reader hands out entries in batches, then []. */
interface FakeDirectoryEntry {
  isFile: false;
  isDirectory: true;
  name: string;
  fullPath: string;
  createReader(): { readEntries(success: (batch: (FakeFileEntry | FakeDirectoryEntry)[]) => void, failure?: (error: Error) => void): void };
}

type Tree = { [name: string]: File | Tree };

function entryOf(name: string, node: File | Tree, parent: string): FakeFileEntry | FakeDirectoryEntry {
  const fullPath = `${parent}/${name}`;
  if (node instanceof File) return { isFile: true, isDirectory: false, name, fullPath, file: (success) => success(node) };
  const children = Object.entries(node).map(([childName, child]) => entryOf(childName, child, fullPath));
  return {
    isFile: false,
    isDirectory: true,
    name,
    fullPath,
    createReader() {
      // One entry per call, as a browser hands out a large folder in several batches; then none.
      let next = 0;
      return { readEntries: (success) => setTimeout(() => success(children.slice(next, (next += 1)))) };
    },
  };
}

/** Drops `folder` as a browser does: one item of kind `file`, whose entry is the folder; no File. */
function dropFolder(target: HTMLElement, name: string, folder: Tree) {
  const entry = entryOf(name, folder, '');
  const item = { kind: 'file', type: '', getAsFile: () => null, webkitGetAsEntry: () => entry };
  fireEvent.drop(target, { dataTransfer: { files: [], items: [item], types: ['Files'] } });
}

describe('a dropped folder', () => {
  it('takes the files inside it, those in nested folders too, and refuses a disallowed one with its reason', async () => {
    render(<MyUploader conversationId="conv1" />);
    dropFolder(screen.getByTestId('my-dropzone'), 'site-visit', {
      'front.png': new File([pngOfSize(600) as Uint8Array<ArrayBuffer>], 'front.png', { type: 'image/png' }),
      reports: {
        'survey.pdf': new File([fixture('sample.pdf').bytes as Uint8Array<ArrayBuffer>], 'survey.pdf', { type: 'application/pdf' }),
        tools: { 'setup.exe': new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' }) },
      },
    });
    const uploads = screen.getByRole('list', { name: 'Uploads' });
    await waitFor(() => expect(within(uploads).getAllByRole('listitem')).toHaveLength(2));
    await waitFor(
      () => {
        expect(within(uploads).getByRole('link', { name: 'Open front.png' })).toHaveAttribute('href', expect.stringMatching(/^http:\/\/\S+$/));
        expect(within(uploads).getByRole('link', { name: 'Open survey.pdf' })).toHaveAttribute('href', expect.stringMatching(/^http:\/\/\S+$/));
      },
      { timeout: 5000 },
    );
    const refused = screen.getByRole('list', { name: 'Refused' });
    expect(within(refused).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['setup.exe: file-type-not-allowed']);
  });

  it('takes a folder dropped beside loose files', async () => {
    render(<MyUploader conversationId="conv1" />);
    const loose = new File([pngOfSize(500) as Uint8Array<ArrayBuffer>], 'loose.png', { type: 'image/png' });
    const folder = entryOf('scans', { 'inside.png': new File([pngOfSize(700) as Uint8Array<ArrayBuffer>], 'inside.png', { type: 'image/png' }) }, '');
    const items = [
      { kind: 'file', type: 'image/png', getAsFile: () => loose, webkitGetAsEntry: () => entryOf('loose.png', loose, '') },
      { kind: 'file', type: '', getAsFile: () => null, webkitGetAsEntry: () => folder },
    ];
    fireEvent.drop(screen.getByTestId('my-dropzone'), { dataTransfer: { files: [loose], items, types: ['Files'] } });
    const uploads = screen.getByRole('list', { name: 'Uploads' });
    await waitFor(
      () => {
        expect(within(uploads).getByRole('link', { name: 'Open loose.png' })).toHaveAttribute('href', expect.stringMatching(/^http:\/\/\S+$/));
        expect(within(uploads).getByRole('link', { name: 'Open inside.png' })).toHaveAttribute('href', expect.stringMatching(/^http:\/\/\S+$/));
      },
      { timeout: 5000 },
    );
  });
});
