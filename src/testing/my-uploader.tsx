import { useAttachmentUploader, type UploadItem } from '../react/index.js';

const inFlight = (item: UploadItem) => item.status === 'queued' || item.status === 'uploading' || item.status === 'processing';

/**
 * A UI of one's own from `useAttachmentUploader` alone, as a host app would write it (no
 * `<AttachmentUploader>`): a button that calls `open`, react-dropzone's root and input from the
 * prop getters, and the `items` with cancel and retry. The headless tests and the Headless story
 * both drive it. Each row reads "name: status", and a stored one links to its URL.
 */
export function MyUploader({ conversationId }: { conversationId: string }) {
  const { items, rejections, open, getRootProps, getInputProps, cancel, retry } = useAttachmentUploader({ conversationId });
  return (
    <section aria-labelledby="my-uploader-title" style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 480 }}>
      <h2 id="my-uploader-title" style={{ fontSize: 18 }}>
        Attachments
      </h2>
      <button type="button" onClick={open}>
        Add files
      </button>
      {/* The button is the keyboard's way in: the zone is no second tab stop. */}
      <div {...getRootProps({ tabIndex: undefined, 'data-testid': 'my-dropzone', style: { border: '2px dashed #555', padding: 16, marginTop: 8 } })}>
        <input {...getInputProps()} data-testid="my-picker" />
        <p style={{ margin: 0 }}>Drop files here</p>
      </div>
      <ul aria-label="Uploads">
        {items.map((item) => (
          <li key={item.id} aria-label={item.name} data-status={item.status}>
            <span>
              {item.name}: {item.status}
            </span>{' '}
            {item.status === 'done' && <a href={item.result.url}>Open {item.name}</a>}
            {inFlight(item) && (
              <button type="button" onClick={() => cancel(item.id)}>
                Cancel {item.name}
              </button>
            )}
            {(item.status === 'cancelled' || item.status === 'error') && (
              <button type="button" onClick={() => retry(item.id)}>
                Retry {item.name}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ul aria-label="Refused">
        {rejections.map((rejection) => (
          <li key={rejection.id}>
            {rejection.name}: {rejection.code}
          </li>
        ))}
      </ul>
    </section>
  );
}
