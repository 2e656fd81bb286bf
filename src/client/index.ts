export { toUploadError } from './to-upload-error.js';
export { DEFAULT_ENDPOINT, uploadFile, type UploadFileOptions, type UploadProgress } from './upload-file.js';
