// Caffe's files read with its schema (schema.ts): .prototxt through the protobuf text-format
// parser, .caffemodel and .binaryproto through the binary wire decoder. Errors become the
// importer's own classes, with the readers' messages (file:line:column, byte offsets).
import { parseTextFormat, TextFormatError } from '../../formats/protobuf/text';
import { decodeMessage, ProtobufWireError, type DecodeOptions } from '../../formats/protobuf/wire';
import { caffeType } from './schema';

/** A prototxt that is not valid text format for the Caffe schema; the message is file:line:column. */
export class PrototxtError extends TextFormatError {}

/** A caffemodel or binaryproto that is truncated or corrupt; the message gives the byte offset. */
export class CaffeFileError extends Error {}

/** Parses prototxt text as the given Caffe message type (default NetParameter). */
export function parsePrototxt<T = Record<string, unknown>>(text: string, file: string, typeName = 'NetParameter'): T {
  try {
    return parseTextFormat<T>(text, file, caffeType(typeName));
  } catch (e) {
    if (e instanceof TextFormatError) throw new PrototxtError(e.file, e.line, e.column, e.reason);
    throw e;
  }
}

/**
 * Decodes a whole buffer as the given Caffe message type (e.g. 'NetParameter', 'BlobProto').
 * Errors say which layer was read last ("after layer 'conv2'").
 */
export function decodeCaffe<T>(typeName: string, bytes: Uint8Array, opts: Pick<DecodeOptions, 'file' | 'onProgress'>): T {
  try {
    return decodeMessage<T>(caffeType(typeName), bytes, {
      ...opts,
      expected: 'a Caffe binary protobuf',
      describe: (message, field) => {
        const entries = message[field];
        const last = Array.isArray(entries) ? (entries[entries.length - 1] as { name?: unknown }) : undefined;
        return typeof last?.name === 'string' ? `layer '${last.name}'` : `field '${field}'`;
      },
    });
  } catch (e) {
    if (e instanceof ProtobufWireError) throw new CaffeFileError(e.message, { cause: e });
    throw e;
  }
}
