// The page bench/shrink.ts drives: the widget's own shrinking code, on `window`.
import { shrinkImage } from '../src/client/shrink-image.js';

(window as unknown as { shrinkImage: typeof shrinkImage }).shrinkImage = shrinkImage;
