#!/usr/bin/env node
// Decodes texts with a sequence-to-sequence ONNX file exported by MlNetDeep, using only that file: the vocabularies,
// token units and graph names come from its metadata, the decoding (beam search) runs inside the graph.
//
//   node decode.mjs MODEL.onnx [--json] TEXT...     (no TEXT: one text per line of standard input)
//
// Prints one line per text, in input order: with --json {"source", "hypotheses", "scores"} (best first), otherwise
// "source -> best (score) | second (score) ...". Errors go to stderr with exit code 1.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { readOnnxMetadata } from './onnx-metadata.mjs';
import { describe, decodeTexts } from './seq2seq.mjs';

const USAGE = 'usage: node decode.mjs MODEL.onnx [--json] TEXT...   (no TEXT: one text per line of standard input)';

class UsageError extends Error {}

function parseArguments(args) {
  let json = false;
  let model;
  const texts = [];
  let optionsEnded = false;
  for (const arg of args) {
    if (!optionsEnded && arg === '--') optionsEnded = true;
    else if (!optionsEnded && arg === '--json') json = true;
    else if (!optionsEnded && (arg === '--help' || arg === '-h')) return { help: true };
    else if (!optionsEnded && arg.startsWith('--')) throw new UsageError(`unknown option ${arg} (a text starting with "--" goes after "--")`);
    else if (model === undefined) model = arg;
    else texts.push(arg);
  }
  if (model === undefined) throw new UsageError('no model file given');
  return { json, model, texts };
}

async function readStdinLines() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop(); // the newline ending the last line does not start another text
  return lines;
}

async function loadModel(path) {
  let bytes;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(error.code === 'ENOENT' ? `model file not found: ${path}` : `cannot read ${path}: ${error.message}`);
  }
  const name = basename(path);
  let metadata;
  try {
    metadata = readOnnxMetadata(bytes);
  } catch (error) {
    throw new Error(`${name}: ${error.message}`);
  }
  const description = describe(metadata, name);
  const session = await InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  return { description, session };
}

function format(result, json) {
  if (json) return JSON.stringify(result);
  // An empty hypothesis (the model's answer can be nothing at all) is shown as "" so the line stays readable.
  const hypotheses = result.hypotheses.map((h, j) => `${h === '' ? '""' : h} (${result.scores[j].toFixed(4)})`);
  return `${result.source} -> ${hypotheses.join(' | ')}`;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const { description, session } = await loadModel(options.model);
  const texts = options.texts.length > 0 ? options.texts : await readStdinLines();
  for (const result of await decodeTexts(session, description, texts)) console.log(format(result, options.json));
}

main().catch((error) => {
  console.error(`decode.mjs: ${error.message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exitCode = 1;
});
