import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect } from 'storybook/test';
import { FileRow } from '../src/react/file-row.js';
import { DEFAULT_MESSAGES } from '../src/react/messages.js';
import { checked } from './play-helpers.js';

/**
 * One row mid-upload. Progress comes from the browser sending bytes, which a mocked server (a
 * service worker takes the body at once, with no upload progress) cannot show, so these states
 * are shown on the row itself.
 */
const meta = {
  title: 'AttachmentUploader/Row',
  component: FileRow,
  args: {
    item: { id: 'u1', name: 'site-visit.jpg', size: 3_400_000, status: 'uploading', progress: 0.42 },
    messages: DEFAULT_MESSAGES,
    describeError: () => '',
    onCancel: () => undefined,
    onRetry: () => undefined,
    onRemove: () => undefined,
  },
  decorators: [
    (Story) => (
      <div className="ghl-att" style={{ maxWidth: 480 }}>
        <ul className="ghl-att-items">{Story()}</ul>
      </div>
    ),
  ],
} satisfies Meta<typeof FileRow>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Uploading on a slow link: 42 %, with a cancel button. */
export const UploadingWithProgress: Story = {
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('progressbar', { name: 'Upload of site-visit.jpg' })).toHaveAttribute('value', '42');
    await expect(canvas.getByText('Uploading… 42 %')).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Cancel site-visit.jpg' })).toBeVisible();
  },
};

/** Every byte sent, HighLevel not yet answered: a full bar and "Processing…". */
export const Processing: Story = {
  args: { item: { id: 'u2', name: 'contract.pdf', size: 1_200_000, status: 'processing', progress: 1 } },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('progressbar', { name: 'Upload of contract.pdf' })).toHaveAttribute('value', '100');
    await expect(canvas.getByText('Processing…')).toBeVisible();
  },
};

// Every story marks the page when its checks have passed (see `checked`).
for (const story of [UploadingWithProgress, Processing] as Story[]) story.play = checked(story.play);
