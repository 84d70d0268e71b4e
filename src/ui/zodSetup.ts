/**
 * Imported first by main.tsx: puts zod in jitless mode (src/model/zod.ts) before any module of the page
 * defines a schema, so the page never probes `new Function` under the CSP (no `unsafe-eval`).
 */
import '../model/zod';
