// Uses a sequence-to-sequence file exported by MlNetDeep with nothing but the file: its metadata says how to cut text
// into token ids and how to turn output ids back into text (docs/seq2seq-onnx-format.md in the repository).

import { Tensor } from 'onnxruntime-node';

const TASK_KEY = 'mlnetdeep.task';
const TASK = 'sequence-to-sequence';
const DESCRIPTION_KEY = 'mlnetdeep.seq2seq';
const FORMAT_VERSION = 1;
const UNITS = ['characters', 'words'];

// Texts per run: the decoding loop runs until every hypothesis of the batch has finished, so one huge batch would
// spend its steps on the longest text; a bounded batch also bounds memory for long stdin inputs.
const BATCH_SIZE = 32;

/**
 * Checks the metadata of a file and returns what decoding needs from it.
 * @param {Map<string, string>} metadata the file's metadata_props
 * @param {string} name the file name, for error messages
 */
export function describe(metadata, name) {
  const task = metadata.get(TASK_KEY);
  if (task !== TASK) {
    throw new Error(task === undefined
      ? `${name} is not a sequence-to-sequence model from MlNetDeep (its metadata has no "${TASK_KEY}")`
      : `${name} is not a sequence-to-sequence model from MlNetDeep ("${TASK_KEY}" is "${task}", expected "${TASK}")`);
  }
  let json;
  try {
    json = JSON.parse(metadata.get(DESCRIPTION_KEY) ?? '');
  } catch {
    throw new Error(`${name}: the metadata "${DESCRIPTION_KEY}" is missing or is not JSON`);
  }
  if (json.format_version !== FORMAT_VERSION) {
    throw new Error(`${name}: "${DESCRIPTION_KEY}" has format_version ${json.format_version}; this script reads version ${FORMAT_VERSION} only`);
  }
  for (const key of ['source_token_unit', 'target_token_unit']) {
    if (!UNITS.includes(json[key])) throw new Error(`${name}: unknown ${key} "${json[key]}" (expected ${UNITS.join(' or ')})`);
  }
  // The only normalisation of version 1: any other would have to be applied before tokenising.
  if (json.normalization !== 'none') throw new Error(`${name}: unsupported normalization "${json.normalization}"`);

  const sourceIds = new Map();
  json.source_vocabulary.forEach((token, i) => {
    if (!sourceIds.has(token)) sourceIds.set(token, json.first_token_id + i);
  });
  return {
    sourceUnit: json.source_token_unit,
    targetUnit: json.target_token_unit,
    separator: json.target_token_separator,
    sourceIds,
    targetVocabulary: json.target_vocabulary,
    firstTokenId: json.first_token_id,
    unknownId: json.special_ids.unknown,
    padId: json.special_ids.pad,
    eosId: json.special_ids.eos,
    graph: json.graph,
    decoding: json.decoding,
  };
}

/** The source token ids of a text, without EOS (the graph appends it). */
export function tokenise(description, text) {
  // "characters" are UTF-16 code units, exactly what split('') gives; "words" drop the empty pieces of repeated spaces.
  const tokens = description.sourceUnit === 'characters' ? text.split('') : text.split(' ').filter((t) => t.length > 0);
  return tokens.map((t) => description.sourceIds.get(t) ?? description.unknownId);
}

/** The text of one hypothesis: its ids up to the first EOS, looked up in the target vocabulary and joined. */
export function detokenise(description, ids) {
  const pieces = [];
  for (const id of ids) {
    if (id === description.eosId) break;
    if (id === description.unknownId) {
      pieces.push('');
      continue;
    }
    const token = description.targetVocabulary[id - description.firstTokenId];
    if (token === undefined) throw new Error(`the model produced id ${id}, which is not a target token`);
    pieces.push(token);
  }
  // Words: an unknown token leaves no doubled separator behind; characters: empty strings vanish in the join anyway.
  return pieces.filter((p) => p.length > 0).join(description.separator);
}

/**
 * Decodes texts with a loaded session.
 * @returns {Promise<{source: string, hypotheses: string[], scores: number[]}[]>} one result per text, in order
 */
export async function decodeTexts(session, description, texts) {
  const results = [];
  for (let start = 0; start < texts.length; start += BATCH_SIZE) {
    results.push(...(await decodeBatch(session, description, texts.slice(start, start + BATCH_SIZE))));
  }
  return results;
}

async function decodeBatch(session, description, texts) {
  const rows = texts.map((t) => tokenise(description, t));
  const width = Math.max(0, ...rows.map((r) => r.length));
  // Right-padded with PAD; an empty text is a row of PAD only (or a [n, 0] tensor when every text is empty).
  const ids = new BigInt64Array(rows.length * width).fill(BigInt(description.padId));
  rows.forEach((row, r) => row.forEach((id, c) => { ids[r * width + c] = BigInt(id); }));

  const { graph } = description;
  const outputs = await session.run({ [graph.source]: new Tensor('int64', ids, [rows.length, width]) }, [graph.tokens, graph.scores]);
  const tokens = outputs[graph.tokens];
  const scores = outputs[graph.scores];
  const [, nBest, steps] = tokens.dims;

  return texts.map((source, n) => {
    const hypotheses = [];
    const hypothesisScores = [];
    for (let j = 0; j < nBest; j++) {
      const offset = (n * nBest + j) * steps;
      const hypothesis = Array.from(tokens.data.subarray(offset, offset + steps), Number);
      hypotheses.push(detokenise(description, hypothesis));
      hypothesisScores.push(scores.data[n * nBest + j]);
    }
    return { source, hypotheses, scores: hypothesisScores };
  });
}
