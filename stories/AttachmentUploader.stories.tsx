import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { AttachmentUploader, FRENCH_MESSAGES } from '../src/react/index.js';
import { bffHandlers, samplePreviewUrl, sampleUrl, type BffScenario } from './bff-handlers.js';
import { checked, dragOver, drop, fileOf, noisyPhoto, sample } from './play-helpers.js';

/**
 * Every state a user meets. The BFF is mocked at the request level (MSW), so the widget's real
 * upload code runs; each story chooses the server's delay and answer.
 */
const meta = {
  title: 'AttachmentUploader',
  component: AttachmentUploader,
  // A docs page with the props table, read from the component's types and their JSDoc.
  tags: ['autodocs'],
  args: { conversationId: 'demo-conversation' },
  // react-docgen cannot name a type from another module; say it here.
  argTypes: {
    allowedTypes: { table: { type: { summary: "readonly (FileTypeId | FileTypeSpec)[], e.g. ['PDF', 'PNG']" } } },
    value: { table: { type: { summary: 'readonly UploadedFile[]' } } },
  },
  parameters: { msw: { handlers: bffHandlers() } },
  decorators: [(Story) => <div style={{ maxWidth: 480 }}>{Story()}</div>],
} satisfies Meta<typeof AttachmentUploader>;

export default meta;
type Story = StoryObj<typeof meta>;
const server = (scenario: BffScenario) => ({ msw: { handlers: bffHandlers(scenario) } });
/** The list of files, once React has rendered it. */
const items = async (root: HTMLElement) =>
  within(
    await waitFor(() => {
      const list = root.querySelector<HTMLElement>('.ghl-att-items');
      if (!list) throw new Error('no file list yet');
      return list;
    }),
  );

/** Waiting for files: says what it takes and up to what size. */
export const Empty: Story = {
  play: async ({ canvas }) => {
    await expect(canvas.getByText(/JPG, JPEG, PNG.*up to 5 MB each/)).toBeVisible();
  },
};

/** No conversation chosen yet: nothing can be attached. */
export const NoConversation: Story = {
  args: { conversationId: '' },
  play: async ({ canvas }) => {
    await expect(canvas.getByText('Choose a conversation to attach files to.')).toBeVisible();
  },
};

/** Files dragged over that will be taken. */
export const DragOverAccepted: Story = {
  play: async ({ canvasElement, canvas }) => {
    dragOver(canvasElement, [fileOf('photo.png', 10, 'image/png')]);
    await expect(await canvas.findByText('Drop to attach')).toBeVisible();
  },
};

/** Files dragged over that will not all be taken: it says so before the drop. */
export const DragOverRefused: Story = {
  play: async ({ canvasElement, canvas }) => {
    dragOver(canvasElement, [fileOf('photo.png', 10, 'image/png'), fileOf('setup.exe', 10, 'application/x-msdownload')]);
    await expect(await canvas.findByText('Some of these files can’t be attached')).toBeVisible();
  },
};

/** Refused for each reason: type, too large, empty, too many. */
export const RefusedForEachReason: Story = {
  args: { maxFiles: 1 },
  play: async ({ canvasElement, canvas }) => {
    drop(canvasElement, [fileOf('setup.exe'), fileOf('huge.pdf', 5_242_881), fileOf('empty.pdf', 0), fileOf('one.txt', 10), fileOf('two.txt', 10)]);
    const refused = await canvas.findByRole('list', { name: 'Not attached' });
    await expect(within(refused).getByText(/This type of file is not allowed/)).toBeVisible();
    await expect(within(refused).getByText('The file is too large for HighLevel (5 MB max).')).toBeVisible();
    await expect(within(refused).getByText('The file is empty.')).toBeVisible();
    await expect(within(refused).getByText('Too many files at once (1 max).')).toBeVisible();
  },
};

/** A thousand-file mistake: refusals grouped by reason. */
export const ManyRefused: Story = {
  play: async ({ canvasElement, canvas }) => {
    drop(canvasElement, Array.from({ length: 40 }, (_, i) => fileOf(`tool-${i}.exe`, 2)));
    await expect(await canvas.findByText('tool-0.exe, tool-1.exe and 38 more')).toBeVisible();
  },
};

/** One upload at a time: the second one waits its turn. */
export const Queued: Story = {
  args: { concurrency: 1 },
  parameters: server({ delayMs: Number.POSITIVE_INFINITY }),
  play: async ({ canvasElement }) => {
    drop(canvasElement, [await sample('sample.png', 'first.png'), await sample('sample.jpg', 'second.jpg')]);
    await expect(await (await items(canvasElement)).findByText('Waiting…')).toBeVisible();
  },
};

/** Each server error, in the user's words. */
const failing = (outcome: BffScenario['outcome'], words: RegExp): Story => ({
  parameters: server({ outcome }),
  play: async ({ canvasElement }) => {
    drop(canvasElement, [await sample('sample.png', 'photo.png')]);
    await expect(await (await items(canvasElement)).findByText(words)).toBeVisible();
  },
});
export const ErrorServerToken = failing('highlevel-auth', /not authorized/);
export const ErrorTooLarge = failing('file-too-large', /too large for HighLevel/);
export const ErrorUnsupportedType = failing('file-type-not-allowed', /not allowed/);
export const ErrorHighLevelDown = failing('highlevel-unavailable', /not available right now/);
export const ErrorNetworkLost = failing('network', /The connection was lost/);

/** HighLevel's rate limit: a countdown, then it retries by itself. */
export const RateLimitedCountdown: Story = {
  parameters: server({ outcome: 'rate-limited', retryAfter: 2, onlyFirst: true }),
  play: async ({ canvasElement, canvas }) => {
    drop(canvasElement, [await sample('sample.png', 'photo.png')]);
    await expect(await (await items(canvasElement)).findByText(/Retrying in \d s/)).toBeVisible();
    await expect(await canvas.findByRole('img', { name: 'photo.png' })).toBeVisible();
  },
};

/** The BFF itself is busy (503 with `Retry-After`): a countdown, then it retries by itself. */
export const ServerBusyCountdown: Story = {
  parameters: server({ outcome: 'server-busy', retryAfter: 2, onlyFirst: true }),
  play: async ({ canvasElement, canvas }) => {
    drop(canvasElement, [await sample('sample.png', 'photo.png')]);
    await expect(await (await items(canvasElement)).findByText(/The server is busy\. Retrying in \d s/)).toBeVisible();
    await expect(await canvas.findByRole('img', { name: 'photo.png' })).toBeVisible();
  },
};

/** Cancelled by the user; it can be retried. */
export const Cancelled: Story = {
  parameters: server({ delayMs: Number.POSITIVE_INFINITY }),
  play: async ({ canvasElement, canvas }) => {
    drop(canvasElement, [await sample('sample.png', 'photo.png')]);
    await userEvent.click(await canvas.findByRole('button', { name: 'Cancel photo.png' }));
    await expect(await (await items(canvasElement)).findByText('Cancelled')).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Retry photo.png' })).toBeVisible();
  },
};

/** Failed once, retried, uploaded. */
export const Retried: Story = {
  parameters: server({ outcome: 'highlevel-unavailable', onlyFirst: true }),
  play: async ({ canvasElement, canvas }) => {
    drop(canvasElement, [await sample('sample.png', 'photo.png')]);
    await userEvent.click(await canvas.findByRole('button', { name: 'Retry photo.png' }));
    await expect(await canvas.findByRole('img', { name: 'photo.png' })).toBeVisible();
  },
};

/**
 * Done: a preview of each kind — image, video, audio, PDF, and a file card. The media come from
 * each file's `previewUrl` (the BFF's link); the open and copy links are HighLevel's `url`.
 */
export const DoneWithPreviews: Story = {
  args: { concurrency: 5 },
  play: async ({ canvasElement, canvas }) => {
    drop(canvasElement, await Promise.all(['sample.png', 'sample.mp4', 'sample.mp3', 'sample.pdf', 'sample.zip'].map((name) => sample(name))));
    await waitFor(() => expect(canvasElement.querySelectorAll('.ghl-att-item[data-status="done"]')).toHaveLength(5));
    const image = canvas.getByRole('img', { name: 'sample.png' }) as HTMLImageElement;
    await expect(image).toBeVisible();
    await expect(image.getAttribute('src')).toBe(samplePreviewUrl('sample.png'));
    await waitFor(() => expect(image.naturalWidth).toBeGreaterThan(0));
    await expect(image.closest('a')).toHaveAttribute('href', sampleUrl('sample.png'));
    await expect(canvasElement.querySelector('video')).not.toBeNull();
    await expect(canvasElement.querySelector('audio')).not.toBeNull();
    await expect(canvasElement.querySelector('object[type="application/pdf"]')).not.toBeNull();
    await expect(canvasElement.querySelector('.ghl-att-icon[data-kind="file"]')).not.toBeNull();
  },
};

/** Previews read from HighLevel's URL itself (`previewFrom="highlevel"`), not through the BFF. */
export const PreviewsFromHighLevel: Story = {
  args: { previewFrom: 'highlevel' },
  play: async ({ canvasElement, canvas }) => {
    drop(canvasElement, [await sample('sample.png', 'photo.png')]);
    const image = (await canvas.findByRole('img', { name: 'photo.png' })) as HTMLImageElement;
    await expect(image.getAttribute('src')).toBe(sampleUrl('photo.png'));
    await waitFor(() => expect(image.naturalWidth).toBeGreaterThan(0));
  },
};

/** Controlled: files uploaded earlier (without a `previewUrl`: shown from their `url`), kept by the host form. */
export const ControlledWithEarlierFiles: Story = {
  render: (args) => (
    <AttachmentUploader
      {...args}
      value={[
        { name: 'contract.pdf', url: sampleUrl('contract.pdf'), mimeType: 'application/pdf', size: 595, kind: 'pdf' },
        { name: 'site-photo.jpg', url: sampleUrl('site-photo.jpg'), mimeType: 'image/jpeg', size: 1165, kind: 'image' },
      ]}
    />
  ),
  play: async ({ canvas }) => {
    await expect(canvas.getByText('contract.pdf')).toBeVisible();
    await expect(canvas.getByRole('img', { name: 'site-photo.jpg' })).toBeVisible();
    // No previewUrl on a file from elsewhere: the preview falls back to its url.
    await expect(canvas.getByRole('img', { name: 'site-photo.jpg' })).toHaveAttribute('src', sampleUrl('site-photo.jpg'));
  },
};

/** Dark theme. */
export const Dark: Story = {
  args: { theme: 'dark' },
  decorators: [(Story) => <div style={{ background: '#0b1220', padding: 16 }}>{Story()}</div>],
  play: async ({ canvasElement }) => {
    await expect(getComputedStyle(canvasElement.querySelector('.ghl-att')!).backgroundColor).toBe('rgb(17, 24, 39)');
  },
};

/** A host's own look, by custom properties only. */
export const CustomTheme: Story = {
  decorators: [
    (Story) => (
      <div style={{ ['--ghl-att-accent' as string]: '#0f766e', ['--ghl-att-radius' as string]: '2px', ['--ghl-att-font' as string]: 'Georgia, serif' }}>
        {Story()}
      </div>
    ),
  ],
  play: async ({ canvasElement }) => {
    const root = canvasElement.querySelector<HTMLElement>('.ghl-att')!;
    await expect(getComputedStyle(root).fontFamily).toContain('Georgia');
  },
};

/** The second locale: every string translated. */
export const French: Story = {
  args: { messages: FRENCH_MESSAGES },
  play: async ({ canvas }) => {
    await expect(canvas.getByText('Déposez des fichiers ici pour les joindre')).toBeVisible();
  },
};

/** In a narrow CRM sidebar. */
export const NarrowSidebar: Story = {
  decorators: [(Story) => <div style={{ width: 280 }}>{Story()}</div>],
  play: async ({ canvasElement }) => {
    drop(canvasElement, [await sample('sample.png', 'a-photo-with-a-rather-long-name-from-a-phone.png')]);
    await expect(await within(canvasElement).findByRole('img', { name: /a-photo-with/ })).toBeVisible();
    await expect(canvasElement.querySelector<HTMLElement>('.ghl-att')!.scrollWidth).toBeLessThanOrEqual(280);
  },
};

/**
 * The longest words a row meets, for narrow sidebars (the e2e run opens every story at 320 and
 * 360 px too): a name without spaces that fails with a long reason, and one that is refused.
 */
export const LongNamesAndReasons: Story = {
  parameters: server({ outcome: 'highlevel-auth' }),
  play: async ({ canvasElement }) => {
    const long = `Quarterly_Report_${'Final_Revised_'.repeat(6)}2026.pdf`;
    drop(canvasElement, [await sample('sample.pdf', long), fileOf(`${'installer_'.repeat(8)}.exe`, 2)]);
    await expect(await (await items(canvasElement)).findByText(/not authorized/)).toBeVisible();
    await expect(within(within(canvasElement).getByRole('list', { name: 'Not attached' })).getByText(/This type of file is not allowed/)).toBeVisible();
  },
};

/** French, waiting out a rate limit (the countdown stays on screen): "Nouvel essai dans … s". */
export const FrenchRateLimited: Story = {
  args: { messages: FRENCH_MESSAGES },
  parameters: server({ outcome: 'rate-limited', retryAfter: 60 }),
  play: async ({ canvasElement }) => {
    drop(canvasElement, [await sample('sample.png', 'photo-de-la-réunion-du-conseil-d’administration.png')]);
    await expect(await (await items(canvasElement)).findByText(/Nouvel essai dans \d+ s/)).toBeVisible();
    await expect(within(canvasElement).getByText(/jusqu’à 5\sMo chacun/)).toBeVisible();
  },
};

/** Only documents, up to 1 MB. */
export const DocumentsOnly: Story = {
  args: { maxFileSize: 1024 * 1024, allowedTypes: ['PDF', 'DOCX'] },
  play: async ({ canvas }) => {
    await expect(canvas.getByText('PDF, DOCX · up to 1 MB each')).toBeVisible();
  },
};

/**
 * A photo over the limit (300 kB here, 5 MB by default) is shrunk to fit in the browser, in a
 * Web Worker, before it is sent; the row says by how much. `shrinkImages={false}` turns it off.
 */
export const PhotoShrunkToFit: Story = {
  args: { maxFileSize: 300_000 },
  play: async ({ canvasElement }) => {
    const photo = await noisyPhoto('beach.jpg', 1200, 900);
    await expect(photo.size).toBeGreaterThan(300_000);
    drop(canvasElement, [photo]);
    const list = await items(canvasElement);
    await expect(await list.findByText(/^shrunk from \d+ kB to (2\d\d|1\d\d) kB$/)).toBeVisible();
    await expect(await list.findByText('Uploaded')).toBeVisible();
  },
};

// Every story marks the page when its checks have passed (see `checked`).
for (const story of [Empty, NoConversation, DragOverAccepted, DragOverRefused, RefusedForEachReason, ManyRefused, Queued, ErrorServerToken, ErrorTooLarge, ErrorUnsupportedType, ErrorHighLevelDown, ErrorNetworkLost, RateLimitedCountdown, ServerBusyCountdown, Cancelled, Retried, DoneWithPreviews, PreviewsFromHighLevel, ControlledWithEarlierFiles, Dark, CustomTheme, French, NarrowSidebar, LongNamesAndReasons, FrenchRateLimited, DocumentsOnly, PhotoShrunkToFit] as Story[]) story.play = checked(story.play);
