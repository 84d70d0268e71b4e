/**
 * Catalog entries of the security family: encryptor, decryptor, access control. Keys are named by id only;
 * key material is derived in engine memory from the run seed and never written to a file, report or trace.
 */
import { z } from '../zod';
import { fixedPorts, PORTS, type CatalogEntry } from '../catalogTypes';
import { ID_PATTERN } from '../ids';
import { durationSchema } from '../schemas';

const workers = z.number().int().min(1).max(10_000).default(1).meta({ title: 'Workers' });
const cpuScale = z
  .number()
  .positive()
  .max(1000)
  .default(1)
  .meta({ title: 'CPU scale', description: 'multiplies the calibrated AES-GCM cost per byte' });

const keyId = z.string().regex(ID_PATTERN, 'a key id of 1–64 letters, digits, _ - . :');
const ringName = z.string().regex(ID_PATTERN).default('default').meta({ title: 'Key ring', description: 'nodes share keys only within a ring' });

/** A payload path for field-level encryption: dot-separated keys, array indices as numbers. */
export const payloadPathSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a path such as card.number or items.0.price')
  .refine((p) => !p.split('.').some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype'), 'forbidden key in path');

/** A message field bound into the associated data: `type`, `kind`, `correlationId` or `header:<name>`. */
export const aadFieldSchema = z.string().regex(/^(type|kind|correlationId|header:[A-Za-z0-9_.:-]{1,64})$/, 'type, kind, correlationId or header:<name>');

export const encryptorConfig = z.strictObject({
  keyId: keyId.default('key-1').meta({ title: 'Key id' }),
  keyring: ringName,
  mode: z
    .enum(['envelope', 'direct'])
    .default('envelope')
    .meta({ title: 'Mode', description: 'envelope: a data key wrapped with AES-KW under the key id; direct: the key id encrypts' }),
  dataKeyUses: z.number().int().min(1).max(1e9).default(1).meta({ title: 'Messages per data key' }),
  fields: z.array(payloadPathSchema).max(64).default([]).meta({ title: 'Encrypt only these fields', description: 'empty: the whole payload' }),
  aad: z.array(aadFieldSchema).max(16).default(['type']).meta({ title: 'Bind to (associated data)' }),
  rotation: z
    .array(z.strictObject({ at: durationSchema.meta({ unit: 'ms' }), keyId }))
    .max(1000)
    .default([])
    .meta({ title: 'Key rotation schedule' }),
  tamper: z
    .strictObject({
      rate: z.number().min(0).max(1).default(0).meta({ title: 'Tamper probability' }),
      target: z.enum(['ciphertext', 'aad']).default('ciphertext').meta({ title: 'Tamper with' }),
    })
    .default({ rate: 0, target: 'ciphertext' })
    .meta({ title: 'Simulated attacker after encryption' }),
  concurrency: workers,
  cpuScale,
});

export const decryptorConfig = z.strictObject({
  keyring: ringName,
  keyIds: z.array(keyId).max(1000).default([]).meta({ title: 'Key ids held', description: 'empty: every key id of the ring' }),
  requireEncrypted: z.boolean().default(false).meta({ title: 'Reject plaintext' }),
  concurrency: workers,
  cpuScale,
});

const OPERATIONS = ['publish', 'subscribe', 'consume'] as const;
const topicPattern = z
  .string()
  .min(1)
  .max(256)
  .regex(/^(#|\*|[A-Za-z0-9_-]+)(\.(#|\*|[A-Za-z0-9_-]+))*$/, 'a topic pattern such as orders.created, orders.* or orders.#');

/** One access rule: who (roles or principals), what (topic pattern), which operations, allow or deny. */
export const accessRuleSchema = z.strictObject({
  id: z.string().min(1).max(64).meta({ title: 'Rule id' }),
  roles: z.array(z.string().min(1).max(64)).max(64).optional().meta({ title: 'Roles (* = any)' }),
  principals: z.array(z.string().min(1).max(128)).max(256).optional().meta({ title: 'Principals' }),
  topic: topicPattern.default('#').meta({ title: 'Topic pattern' }),
  operations: z.array(z.enum(OPERATIONS)).min(1).default([...OPERATIONS]).meta({ title: 'Operations' }),
  effect: z.enum(['allow', 'deny']).default('allow'),
});

/** Principal → roles. */
export const principalRolesSchema = z.record(z.string().min(1).max(128), z.array(z.string().min(1).max(64)).max(64));

export const accessControlConfig = z.strictObject({
  operation: z.enum(OPERATIONS).default('publish').meta({ title: 'Operation checked' }),
  principalFrom: z.enum(['header', 'fixed']).default('header').meta({ title: 'Principal from', description: 'fixed: the identity of the consumer behind this gate' }),
  principalHeader: z.string().min(1).max(64).default('principal').meta({ title: 'Principal header' }),
  principal: z.string().min(1).max(128).default('anonymous').meta({ title: 'Principal (fixed)' }),
  topicFrom: z.enum(['type', 'header']).default('type').meta({ title: 'Topic from' }),
  topicHeader: z.string().min(1).max(64).default('topic').meta({ title: 'Topic header' }),
  principals: principalRolesSchema.default({}).meta({ title: 'Principals and roles' }),
  rules: z.array(accessRuleSchema).max(1000).default([]).meta({ title: 'Rules' }),
  default: z.enum(['deny', 'allow']).default('deny').meta({ title: 'When no rule matches' }),
  policySchedule: z
    .array(
      z.strictObject({
        at: durationSchema.meta({ unit: 'ms' }),
        rules: z.array(accessRuleSchema).max(1000).optional(),
        principals: principalRolesSchema.optional(),
        default: z.enum(['deny', 'allow']).optional(),
      }),
    )
    .max(1000)
    .default([])
    .meta({ title: 'Policy changes', description: 'at a virtual time, replace the rules, principals or default' }),
  audit: z
    .strictObject({
      capacity: z.number().int().min(0).max(1_000_000).default(10_000).meta({ title: 'Entries kept' }),
      allowed: z.boolean().default(true).meta({ title: 'Log allowed decisions too' }),
    })
    .default({ capacity: 10_000, allowed: true })
    .meta({ title: 'Audit log' }),
});

/** Security kinds. */
export const SECURITY_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'encryptor',
    family: 'security',
    title: 'Encryptor',
    summary: 'Encrypts payloads or chosen fields with AES-256-GCM, with envelope keys and rotation.',
    description:
      'Real authenticated encryption (AES-256-GCM, @noble/ciphers) of the payload or of chosen payload ' +
      'fields. Nonces are 96-bit: this node’s index and a counter, so never repeated in a run. In envelope ' +
      'mode a data key (one per `dataKeyUses` messages) encrypts and travels wrapped with AES-KW under the ' +
      'key id. The associated data binds the key id, the field path and the chosen message fields. The key ' +
      'id changes on the rotation schedule; messages under old keys still decrypt. Keys are derived from the ' +
      'run seed, ring and key id, and are never shown. The trace shows ciphertext as base64. A simulated ' +
      'attacker can flip ciphertext bytes or change bound fields after encryption.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: encryptorConfig,
    fanOut: 'one',
  },
  {
    kind: 'decryptor',
    family: 'security',
    title: 'Decryptor',
    summary: 'Decrypts and verifies; tampered or unreadable messages go to dead letter.',
    description:
      'Decrypts payloads and fields made by an encryptor of the same key ring, checking the GCM tag over the ' +
      'ciphertext and the bound fields. A flipped byte, changed bound field, a key id it does not hold or a ' +
      'different ring fails: the message is dead-lettered as invalid with the reason. Plain payloads pass ' +
      'unless `requireEncrypted`.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: decryptorConfig,
    fanOut: 'one',
  },
  {
    kind: 'access-control',
    family: 'security',
    title: 'Access control',
    summary: 'Allows or denies each message by principal, role, topic and operation; keeps an audit log.',
    description:
      'Checks the operation (publish, subscribe or consume) of a principal — from a header, or the fixed ' +
      'identity of the consumer behind this gate — on the message topic (type or a header). Rules name roles ' +
      'or principals, a topic pattern (* one word, # any) and operations; a matching deny wins over allows, ' +
      'else the first matching allow, else the default. Denied messages are dead-lettered as denied. Every ' +
      'decision is written to the audit log (principal, operation, topic, decision, rule), which the ' +
      'studio pages through and exports as JSON. The policy may change at scheduled times.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: accessControlConfig,
    fanOut: 'one',
  },
];
