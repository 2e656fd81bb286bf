// What an app that renders the widget imports: the size report bundles this (scripts/size-budget.mjs).
export { AttachmentUploader, useAttachmentUploader } from '../src/index.js';
