import type { Preview } from '@storybook/react-vite';
import { mswLoader } from 'msw-storybook-addon/csf3';
import { configure } from 'storybook/test';
import '../src/react/styles.css';

// A play function's `findBy…`/`waitFor` wait for uploads through the mocked BFF. The e2e suite runs
// the stories beside other browsers on shared machines: a wait that passes costs only as long as
// it takes, so the ceiling is generous rather than testing-library's 1 s.
configure({ asyncUtilTimeout: 15_000 });

const preview: Preview = {
  loaders: [mswLoader()],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
};

export default preview;
