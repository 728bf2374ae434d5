// `npm run bench`: every benchmark script, one after another. Figures only; nothing is asserted.

import { runApiBench } from './api.ts';
import { runHostileBodyBench } from './hostile-body.ts';

await runApiBench();
await runHostileBodyBench();
