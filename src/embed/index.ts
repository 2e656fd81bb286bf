export {
  GhlAttachmentsElement,
  LOCALES,
  defineGhlAttachments,
  typesFrom,
  type ElementFileDetail,
  type GhlFrameMessage,
} from './ghl-attachments-element.js';
