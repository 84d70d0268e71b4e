/** The simulation worker's entry: exposes one API object over comlink (see simulationApi.ts). */
import { expose, transfer } from 'comlink';
import { createSimulationApi } from './simulationApi';

expose(createSimulationApi({ transfer: (frame, buffers) => transfer(frame, buffers) }));
