import type * as React from 'react';
import type { GhlAttachmentsElement } from './ghl-attachments-element.js';

/** The element's attributes, as a React app writes them in JSX. */
export interface GhlAttachmentsAttributes {
  endpoint?: string;
  'conversation-id'?: string;
  /** Type ids or extensions: `PDF, PNG` or `.pdf .png`. */
  'allowed-types'?: string;
  'max-file-size'?: number | string;
  'max-files'?: number | string;
  concurrency?: number | string;
  'shrink-images'?: 'true' | 'false';
  'max-image-dimension'?: number | string;
  'with-credentials'?: boolean | '';
  'preview-from'?: 'server' | 'highlevel';
  disabled?: boolean | '';
  locale?: 'en' | 'fr' | 'de' | (string & {});
  theme?: 'light' | 'dark' | 'auto';
  'parent-origin'?: string;
}

// `<ghl-attachments conversation-id="…">` type-checks in a React app that imports the embed entry.
declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'ghl-attachments': React.DetailedHTMLProps<React.HTMLAttributes<GhlAttachmentsElement>, GhlAttachmentsElement> &
        GhlAttachmentsAttributes;
    }
  }
}
