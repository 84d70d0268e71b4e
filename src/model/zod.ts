/**
 * The one way the model imports zod. Zod 4 decides whether to compile a parser with `new Function` when a
 * schema is *created*; under the studio's Content-Security-Policy (no `unsafe-eval`) that probe is a CSP
 * violation, and untrusted input is never executed anyway. Every module that defines a schema imports `z`
 * from here, so the setting is in force before the first schema exists, whatever the import order.
 *
 * @example
 * import { z } from './zod';
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };
