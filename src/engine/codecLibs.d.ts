/**
 * Type declarations of the two codec libraries that ship without types (pure JavaScript, no eval; the
 * engine calls only these functions). See `codecs.ts`.
 */
declare module 'snappyjs' {
  /** Snappy raw-format compression. */
  export function compress(input: Uint8Array): Uint8Array;
  /** Snappy raw-format decompression; throws when the stream is invalid or longer than `maxLength`. */
  export function uncompress(input: Uint8Array, maxLength?: number): Uint8Array;
}

declare module 'lz4js' {
  /** LZ4 frame compression. */
  export function compress(input: Uint8Array, maxSize?: number): Uint8Array;
  /** LZ4 frame decompression into at most `maxSize` bytes. */
  export function decompress(input: Uint8Array, maxSize?: number): Uint8Array;
}
