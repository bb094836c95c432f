// Converts the dictionary of the npm package cmu-pronouncing-dictionary (its index.js: one object, key = word or
// "word(n)" for the n-th pronunciation, value = ARPAbet phonemes with stress digits and sometimes a "# comment")
// into the TSV the G2P example reads: "word<TAB>PH ON EMES", one line per pronunciation, sorted by word.
//
//   node cmudict-to-tsv.mjs PACKAGE_DIR OUTPUT.tsv     (prints "words pronunciations")
//
// Kept: words made of a-z and apostrophes only (no abbreviations with dots, no digits, no hyphens). Stress digits are
// removed (AH0 -> AH): the example predicts phonemes, not stress, and two pronunciations that then coincide become one.

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [packageDir, output] = process.argv.slice(2);
if (!packageDir || !output) {
  console.error('usage: node cmudict-to-tsv.mjs PACKAGE_DIR OUTPUT.tsv');
  process.exit(1);
}

const { dictionary } = await import(pathToFileURL(resolve(join(packageDir, 'index.js'))).href);
if (!dictionary || typeof dictionary !== 'object') throw new Error(`${packageDir}/index.js exports no "dictionary" object`);

const WORD = /^[a-z']+$/;
const VARIANT = /^(.*)\((\d+)\)$/; // "word(2)": the second pronunciation of "word"
const PHONEME = /^[A-Z]+$/;

const pronunciations = new Map(); // word -> [{ variant, phonemes }]
for (const [key, value] of Object.entries(dictionary)) {
  const match = VARIANT.exec(key);
  const word = match ? match[1] : key;
  if (!WORD.test(word)) continue;
  const phonemes = value.split('#')[0].trim().split(/\s+/).map((p) => p.replace(/[0-9]/g, ''));
  if (phonemes.length === 0 || !phonemes.every((p) => PHONEME.test(p))) throw new Error(`unexpected pronunciation of "${key}": "${value}"`);
  if (!pronunciations.has(word)) pronunciations.set(word, []);
  pronunciations.get(word).push({ variant: match ? Number(match[2]) : 1, phonemes: phonemes.join(' ') });
}

const lines = [];
for (const word of [...pronunciations.keys()].sort()) {
  const variants = pronunciations.get(word).sort((a, b) => a.variant - b.variant).map((v) => v.phonemes);
  for (const phonemes of new Set(variants)) lines.push(`${word}\t${phonemes}`);
}
writeFileSync(output, lines.join('\n') + '\n');
console.log(`${pronunciations.size} ${lines.length}`);
