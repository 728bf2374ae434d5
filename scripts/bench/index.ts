// `npm run bench`: every benchmark script, one after another. Figures only; nothing is asserted.

import { runSessionStartBench } from './session-start.ts';

await runSessionStartBench();
