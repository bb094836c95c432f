// Reads the metadata_props of an ONNX file. onnxruntime-node does not expose a model's custom metadata, and the
// file needs nothing else from the protobuf, so this walks the top level of ModelProto by hand instead of adding a
// protobuf dependency (field numbers from onnx/onnx.proto: ModelProto.metadata_props = 14, a repeated
// StringStringEntryProto with key = 1 and value = 2).

const METADATA_PROPS = 14;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

// Protobuf wire types (https://protobuf.dev/programming-guides/encoding/).
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/**
 * The metadata_props of an ONNX model as a Map from key to value.
 * @param {Uint8Array} bytes the whole .onnx file
 * @returns {Map<string, string>}
 */
export function readOnnxMetadata(bytes) {
  const metadata = new Map();
  for (const field of fields(bytes, 0, bytes.length)) {
    if (field.number !== METADATA_PROPS || field.wireType !== LENGTH_DELIMITED) continue;
    let key = '';
    let value = '';
    for (const entry of fields(bytes, field.start, field.end)) {
      if (entry.wireType !== LENGTH_DELIMITED) continue;
      if (entry.number === ENTRY_KEY) key = text(bytes, entry);
      else if (entry.number === ENTRY_VALUE) value = text(bytes, entry);
    }
    metadata.set(key, value);
  }
  return metadata;
}

function text(bytes, field) {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(field.start, field.end));
}

// The fields of one message in bytes[start, end): number, wire type and, for length-delimited ones, the payload's
// range. Other payloads are skipped, so the graph (field 7, most of the file) is never decoded.
function* fields(bytes, start, end) {
  let at = start;
  while (at < end) {
    const tag = varint(bytes, at, end);
    at = tag.next;
    const number = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    switch (wireType) {
      case VARINT:
        at = varint(bytes, at, end).next;
        yield { number, wireType };
        break;
      case FIXED64:
        at += 8;
        yield { number, wireType };
        break;
      case FIXED32:
        at += 4;
        yield { number, wireType };
        break;
      case LENGTH_DELIMITED: {
        const length = varint(bytes, at, end);
        const payloadEnd = length.next + length.value;
        if (payloadEnd > end) throw new Error('not an ONNX model (a protobuf field runs past the end of the file)');
        yield { number, wireType, start: length.next, end: payloadEnd };
        at = payloadEnd;
        break;
      }
      default:
        throw new Error(`not an ONNX model (unexpected protobuf wire type ${wireType})`);
    }
    if (at > end) throw new Error('not an ONNX model (the file ends inside a protobuf field)');
  }
}

// A base-128 varint. Plain arithmetic rather than bit operators, which would cut it to 32 bits (lengths of large
// files and 64-bit ints need up to 53 bits; larger values only occur in fields that are skipped anyway).
function varint(bytes, at, end) {
  let value = 0;
  let scale = 1;
  for (let i = at; i < end && i < at + 10; i++) {
    value += (bytes[i] & 0x7f) * scale;
    if ((bytes[i] & 0x80) === 0) return { value, next: i + 1 };
    scale *= 128;
  }
  throw new Error('not an ONNX model (malformed protobuf varint)');
}
