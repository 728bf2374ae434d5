// `npm run bench`: every benchmark script, one after another. Figures only; nothing is asserted.

import { runHostileBodyBench } from './hostile-body.ts';
import { runSessionStartBench } from './session-start.ts';

await runSessionStartBench();
await runHostileBodyBench();
