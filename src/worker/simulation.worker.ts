/** The simulation worker's entry: exposes one API object over comlink (see simulationApi.ts). */
// Must stay first: zod decides whether to compile parsers with `new Function` when a schema is created,
// so `z.config({ jitless: true })` (in schemas.ts) has to run before any module defines one; otherwise
// the worker trips the CSP (no unsafe-eval). The page does the same in src/ui/zodSetup.ts.
import '../model/schemas';
import { expose, transfer } from 'comlink';
import { createSimulationApi } from './simulationApi';

expose(createSimulationApi({ transfer: (frame, buffers) => transfer(frame, buffers) }));
