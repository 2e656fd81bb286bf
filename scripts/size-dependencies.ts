// What the widget takes from its three libraries, for the size report (scripts/size-budget.mjs).
export { MutationObserver, QueryClient, QueryClientContext } from '@tanstack/react-query';
export { useDropzone } from 'react-dropzone';
export { AxiosError, default as axios, isCancel } from 'axios';
