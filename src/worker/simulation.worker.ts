/** The simulation worker's entry: exposes one API object over comlink (see simulationApi.ts). */
// First: zod in jitless mode before any schema exists (see src/model/zod.ts), or the worker trips the
// CSP (no unsafe-eval). The model's schema modules import it too; this keeps the order obvious.
import '../model/zod';
import { expose, transfer } from 'comlink';
import { createSimulationApi } from './simulationApi';

expose(createSimulationApi({ transfer: (frame, buffers) => transfer(frame, buffers) }));
