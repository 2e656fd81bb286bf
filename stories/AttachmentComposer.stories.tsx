import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor } from 'storybook/test';
import { AttachmentComposer } from '../src/react/index.js';
import { bffHandlers, type BffScenario } from './bff-handlers.js';
import { checked, drop, sample } from './play-helpers.js';

/**
 * Every state of the composer: the message box, the uploader and Send. The BFF (uploads and the
 * send) is mocked at the request level (MSW), so the real code runs; each story picks answers.
 */
const meta = {
  title: 'AttachmentComposer',
  component: AttachmentComposer,
  tags: ['autodocs'],
  args: { conversationId: 'demo-conversation' },
  argTypes: { messageTypes: { table: { type: { summary: "readonly MessageType[], e.g. ['SMS', 'Email']" } } } },
  parameters: { msw: { handlers: bffHandlers() } },
  decorators: [(Story) => <div style={{ maxWidth: 480 }}>{Story()}</div>],
} satisfies Meta<typeof AttachmentComposer>;

export default meta;
type Story = StoryObj<typeof meta>;
const server = (scenario: BffScenario) => ({ msw: { handlers: bffHandlers(scenario) } });
const send = (root: HTMLElement) => root.querySelector<HTMLButtonElement>('button[type=submit]')!;

/** Nothing to send yet: Send is off, and says why. */
export const Empty: Story = {
  play: async ({ canvas, canvasElement }) => {
    await canvas.findByRole('textbox', { name: 'Message' });
    await expect(send(canvasElement)).toBeDisabled();
    await expect(canvas.getByText('Write a message or attach a file to send.')).toBeVisible();
  },
};

/** A message typed: Send is on. */
export const Typing: Story = {
  play: async ({ canvas, canvasElement }) => {
    await userEvent.type(await canvas.findByRole('textbox', { name: 'Message' }), 'Here is the quote you asked for');
    await expect(send(canvasElement)).toBeEnabled();
  },
};

/** A file still uploading: Send waits for it, and says so. */
export const Uploading: Story = {
  parameters: server({ delayMs: Infinity }),
  play: async ({ canvas, canvasElement }) => {
    await userEvent.type(await canvas.findByRole('textbox', { name: 'Message' }), 'With a file');
    drop(canvasElement, [await sample('sample.pdf', 'quote.pdf')]);
    await expect(await canvas.findByText('Send is available once the files have uploaded.')).toBeVisible();
    await expect(send(canvasElement)).toBeDisabled();
  },
};

/** Files uploaded and a message typed: ready to send. */
export const Ready: Story = {
  play: async ({ canvas, canvasElement }) => {
    await userEvent.type(await canvas.findByRole('textbox', { name: 'Message' }), 'Both files attached');
    drop(canvasElement, [await sample('sample.png', 'photo.png'), await sample('sample.pdf', 'quote.pdf')]);
    await canvas.findByRole('img', { name: 'photo.png' });
    await waitFor(() => expect(send(canvasElement)).toBeEnabled());
  },
};

/** Sending: the button says so and cannot be pressed again. */
export const Sending: Story = {
  parameters: server({ send: { delayMs: Infinity } }),
  play: async ({ canvas, canvasElement }) => {
    await userEvent.type(await canvas.findByRole('textbox', { name: 'Message' }), 'On its way');
    await userEvent.click(send(canvasElement));
    await expect(await canvas.findByRole('button', { name: 'Sending…' })).toBeDisabled();
  },
};

/** Sent: said, and the text and the files are cleared for the next message. */
export const Sent: Story = {
  play: async ({ canvas, canvasElement }) => {
    await userEvent.type(await canvas.findByRole('textbox', { name: 'Message' }), 'Done');
    drop(canvasElement, [await sample('sample.png', 'photo.png')]);
    await canvas.findByRole('img', { name: 'photo.png' });
    await waitFor(() => expect(send(canvasElement)).toBeEnabled());
    await userEvent.click(send(canvasElement));
    await expect(await canvas.findByText('Message sent.')).toBeVisible();
    await expect(canvas.getByRole('textbox', { name: 'Message' })).toHaveValue('');
    await expect(canvas.queryByText('photo.png')).toBeNull();
  },
};

/** Several channels allowed: the user chooses; Email asks for a subject. */
export const ChannelChoice: Story = {
  args: { messageTypes: ['SMS', 'WhatsApp', 'Email'] },
  play: async ({ canvas }) => {
    await userEvent.selectOptions(await canvas.findByRole('combobox', { name: 'Send as' }), 'Email');
    await expect(canvas.getByRole('textbox', { name: 'Subject' })).toBeVisible();
  },
};

/** Each way a send fails, in the user's words (the text stays, to try again). */
function failure(outcome: NonNullable<NonNullable<BffScenario['send']>['outcome']>, words: string): Story {
  return {
    parameters: server({ send: { outcome } }),
    play: async ({ canvas, canvasElement }) => {
      await userEvent.type(await canvas.findByRole('textbox', { name: 'Message' }), 'Try');
      await userEvent.click(send(canvasElement));
      await expect(await canvas.findByRole('alert')).toHaveTextContent(words);
      await expect(canvas.getByRole('textbox', { name: 'Message' })).toHaveValue('Try');
    },
  };
}

export const ErrorRejected = failure('message-rejected', 'HighLevel refused the message.');
export const ErrorAttachmentExpired = failure('attachment-expired', 'An attachment was uploaded too long ago. Upload it again.');
export const ErrorAttachmentOtherConversation = failure('attachment-other-conversation', 'An attachment was uploaded for another conversation. Upload it again here.');
export const ErrorOtherLocation = failure('conversation-other-location', 'This conversation belongs to another sub-account.');
export const ErrorChannelNotAllowed = failure('message-type-not-allowed', 'This conversation cannot be answered on this channel.');
export const ErrorKeyReused = failure('idempotency-key-reused', 'This message was already sent with other content. Send it as a new message.');
export const ErrorServerToken = failure('highlevel-auth', 'The connection to HighLevel is not authorized. Ask an admin to reconnect it.');

for (const story of [
  Empty,
  Typing,
  Uploading,
  Ready,
  Sending,
  Sent,
  ChannelChoice,
  ErrorRejected,
  ErrorAttachmentExpired,
  ErrorAttachmentOtherConversation,
  ErrorOtherLocation,
  ErrorChannelNotAllowed,
  ErrorKeyReused,
  ErrorServerToken,
] as Story[])
  story.play = checked(story.play);
