/**
 * The registry of pattern behaviours, keyed by kind. Every kind in the catalog has exactly one entry here
 * (a test checks both directions).
 */
import type { PatternDefinition } from '../pattern';
import { circuitBreaker } from './circuitBreaker';
import { deadLetter } from './deadLetter';
import { idempotentConsumer } from './idempotentConsumer';
import { pointToPoint } from './pointToPoint';
import { producer } from './producer';
import { publishSubscribe } from './publishSubscribe';
import { serviceActivator } from './serviceActivator';
import { sink } from './sink';
import { transactionalOutbox } from './transactionalOutbox';
import { contentBasedRouter } from './contentBasedRouter';
import { documentValidator } from './documentValidator';
import { envelopeUnwrapper } from './envelopeUnwrapper';
import { envelopeWrapper } from './envelopeWrapper';
import { messageFilter } from './messageFilter';
import { messageGateway } from './messageGateway';
import { messageTranslator } from './messageTranslator';
import { recipientList } from './recipientList';
import { accessControl } from './accessControl';
import { batcher } from './batcher';
import { compressor } from './compressor';
import { connectionPool } from './connectionPool';
import { debatcher } from './debatcher';
import { decompressor } from './decompressor';
import { decryptor } from './decryptor';
import { encryptor } from './encryptor';
import { eventStore } from './eventStore';
import { commandHandler } from './commandHandler';
import { queryHandler } from './queryHandler';
import { sagaOrchestrator } from './sagaOrchestrator';
import { sagaParticipant } from './sagaParticipant';

const ALL: readonly PatternDefinition[] = [producer, serviceActivator, sink, pointToPoint, publishSubscribe, deadLetter, contentBasedRouter, messageFilter, recipientList, messageTranslator, envelopeWrapper, envelopeUnwrapper, messageGateway, documentValidator, circuitBreaker, idempotentConsumer, transactionalOutbox, eventStore, commandHandler, queryHandler, sagaOrchestrator, sagaParticipant, batcher, debatcher, compressor, decompressor, connectionPool, encryptor, decryptor, accessControl];

/** Pattern behaviours by kind. */
export const PATTERNS: ReadonlyMap<string, PatternDefinition> = new Map(ALL.map((p) => [p.kind, p]));
