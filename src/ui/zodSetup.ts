/**
 * Imported first by main.tsx. Zod 4 decides whether it may compile parsers with `new Function` when each
 * object schema is *created*, so `z.config({ jitless: true })` must run before any module defines a schema;
 * the model sets it in schemas.ts, but catalog kinds that do not import schemas.ts can be evaluated
 * earlier. Setting it here, before anything else loads, keeps the page free of CSP `unsafe-eval` violations.
 */
import { z } from 'zod';

z.config({ jitless: true });
