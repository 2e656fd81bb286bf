import type { Meta, StoryObj } from '@storybook/react-vite';
import { HttpResponse, delay, http } from 'msw';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { MyUploader } from '../src/testing/my-uploader.js';
import { bffHandlers } from './bff-handlers.js';
import { checked, fileOf, sample } from './play-helpers.js';

// A UI of one's own from `useAttachmentUploader` alone (src/testing/my-uploader.tsx, which the
// headless tests drive too). The BFF is mocked at the request level (MSW) as in the other
// stories, so the hook's real upload code runs.

/** The first upload of a file named `slow…` never gets an answer; every other upload succeeds. */
function slowFirstHandlers() {
  const hung = new Set<string>();
  return [
    http.post('*/api/attachments', async ({ request }) => {
      const file = (await request.clone().formData()).get('file') as File;
      if (file.name.startsWith('slow') && !hung.has(file.name)) {
        hung.add(file.name);
        await delay('infinite');
        return HttpResponse.error();
      }
      return undefined; // on to the mocked BFF
    }),
    ...bffHandlers({ delayMs: 100 }),
  ];
}

const meta = {
  title: 'Headless (useAttachmentUploader)',
  component: MyUploader,
  args: { conversationId: 'demo-conversation' },
  parameters: { msw: { handlers: slowFirstHandlers() } },
} satisfies Meta<typeof MyUploader>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Drops `files` on `zone` as a browser does. */
function dropOn(zone: HTMLElement, files: File[]): void {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
}

/** Dropped and picked files uploaded, a refused one listed, an upload cancelled in flight and retried. */
export const HookOnly: Story = {
  play: checked(async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const uploads = within(canvas.getByRole('list', { name: 'Uploads' }));

    // Dropped: the PNG is uploaded, the .exe refused with its reason.
    dropOn(canvas.getByTestId('my-dropzone'), [await sample('sample.png', 'dropped.png'), fileOf('setup.exe', 10)]);
    await expect(await canvas.findByRole('link', { name: 'Open dropped.png' })).toBeVisible();
    await expect(uploads.getByText('dropped.png: done')).toBeVisible();
    await expect(within(canvas.getByRole('list', { name: 'Refused' })).getByText('setup.exe: file-type-not-allowed')).toBeVisible();

    // The button opens the picker; the user picks a file in it.
    const input = canvasElement.querySelector<HTMLInputElement>('input[type=file]')!;
    let pickerOpened = 0;
    // Counted and kept from opening a real dialog, which a test cannot answer.
    const onPickerClick = (event: Event) => {
      pickerOpened += 1;
      event.preventDefault();
    };
    input.addEventListener('click', onPickerClick);
    await userEvent.click(canvas.getByRole('button', { name: 'Add files' }));
    await expect(pickerOpened).toBe(1);
    input.removeEventListener('click', onPickerClick);
    await userEvent.upload(input, await sample('sample.pdf', 'picked.pdf'));
    await expect(await canvas.findByRole('link', { name: 'Open picked.pdf' })).toBeVisible();

    // An upload that gets no answer: cancelled in flight, then retried, and stored.
    dropOn(canvas.getByTestId('my-dropzone'), [await sample('sample.png', 'slow.png')]);
    await userEvent.click(await canvas.findByRole('button', { name: 'Cancel slow.png' }));
    await expect(await uploads.findByText('slow.png: cancelled')).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: 'Retry slow.png' }));
    await expect(await canvas.findByRole('link', { name: 'Open slow.png' })).toBeVisible();
    await waitFor(() => expect(canvas.queryByRole('button', { name: /slow\.png/ })).toBeNull());
  }),
};
