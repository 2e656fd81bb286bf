export {
  ELEMENT_ATTRIBUTES,
  GhlAttachmentsElement,
  LOCALES,
  defineGhlAttachments,
  typesFrom,
  type ElementFileDetail,
  type ElementRejectionDetail,
  type GhlAttachmentsEventDetails,
  type GhlAttachmentsEventMap,
  type GhlFrameMessage,
} from './ghl-attachments-element.js';
export type { GhlAttachmentsAttributes } from './jsx.js';
