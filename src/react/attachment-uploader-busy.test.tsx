import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { pngOfSize } from '../testing/fixtures.js';
import { ownStack } from '../testing/own-stack.js';
import { AttachmentUploader } from './attachment-uploader.js';

// A real BFF with room for one upload at a time: a second one is answered 503 `server-busy`,
// `Retry-After: 5`.
const { origin, failNext, uploadRequests: upstreamRequests } = await ownStack({ maxUploadsInFlight: 1 });
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
});

const png = (name: string) => new File([pngOfSize(400) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });

describe('a busy BFF', () => {
  it('says when it will retry, counts down, and retries by itself, as for a rate limit', async () => {
    // The first upload holds the one slot: HighLevel never answers it.
    await failNext({ kind: 'hang' });
    const { container } = render(<AttachmentUploader conversationId="conv1" />);
    const fileInput = container.querySelector<HTMLInputElement>('input[type=file]')!;
    const before = await upstreamRequests();
    await userEvent.upload(fileInput, png('first.png'));
    // It holds the slot once it has reached HighLevel.
    await waitFor(async () => expect(await upstreamRequests()).toBe(before + 1), { timeout: 5000 });
    await userEvent.upload(fileInput, png('second.png'));
    const list = within(container.querySelector<HTMLElement>('.ghl-att-items')!);
    expect(await list.findByText('The server is busy. Retrying in 5 s.', {}, { timeout: 5000 })).toBeVisible();
    expect(await list.findByText(/^The server is busy\. Retrying in [1-4] s\.$/, {}, { timeout: 2500 })).toBeVisible();
    // While it waits it can be cancelled (the same path as a rate limit): here the slot is freed instead.
    expect(screen.getByRole('button', { name: 'Cancel second.png' })).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel first.png' }));
    expect(await screen.findByRole('img', { name: 'second.png' }, { timeout: 8000 })).toBeInTheDocument();
  }, 20_000);
});
