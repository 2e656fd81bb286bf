import type { Meta, StoryObj } from '@storybook/react-vite';
import { AttachmentUploader } from '../src/react/index.js';

const meta = {
  title: 'AttachmentUploader',
  component: AttachmentUploader,
  args: { conversationId: 'demo-conversation' },
  decorators: [(Story) => <div style={{ maxWidth: 480 }}>{Story()}</div>],
} satisfies Meta<typeof AttachmentUploader>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Waiting for files: says what it takes and up to what size. */
export const Empty: Story = {};

/** No conversation chosen yet: nothing can be attached. */
export const NoConversation: Story = { args: { conversationId: '' } };

/** Only documents, up to 1 MB. */
export const DocumentsOnly: Story = {
  args: {
    maxFileSize: 1024 * 1024,
    allowedTypes: [
      { id: 'PDF', extensions: ['.pdf'], mimeTypes: ['application/pdf'], kind: 'pdf', magic: 'pdf' },
      { id: 'DOCX', extensions: ['.docx'], mimeTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'], kind: 'file', magic: 'zip' },
    ],
  },
};
