import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeWav, turnTones } from './wav.js';

const MP3_ASSET = 'sample-recording.mp3';

/**
 * Where the committed MP3 lives. tsc does not copy non-TS files, so besides
 * `./assets/` next to this module (src/ under tsx/vitest, or dist/ when a build
 * step copies it) we look in `../../src/simulator/assets/`, which is the source
 * tree as seen from dist/simulator/ in a checkout.
 */
export const MP3_CANDIDATES = [
  new URL(`./assets/${MP3_ASSET}`, import.meta.url),
  new URL(`../../src/simulator/assets/${MP3_ASSET}`, import.meta.url),
];

let mp3: Buffer | undefined;

/** The MP3 served for every mp3 recording, read once. */
export function mp3Recording(): Buffer {
  if (mp3) return mp3;
  const found = MP3_CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `Simulator MP3 asset not found; looked in ${MP3_CANDIDATES.map((c) => fileURLToPath(c)).join(', ')}`,
    );
  }
  mp3 = readFileSync(found);
  return mp3;
}

/** Real audio is served, but kept small: 1 s of audio per 10 s of call, 1 to 5 s. */
export function wavRecording(durationSeconds: number, turns: number): Buffer {
  const seconds = Math.min(5, Math.max(1, durationSeconds / 10));
  return encodeWav(turnTones(seconds, turns));
}
