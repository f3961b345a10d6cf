/**
 * Developer probe for fallback mode 9: codes every image given (one whole-image group of its colour channels) with
 * the palette body, checks the round trip, and prints bytes and encode / decode CPU seconds. Usage:
 * node dist/scripts/probe-palette.js FILE... (images of at most 256 colours; others are reported and skipped).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readImage } from '../src/image/read-image.js';
import { decodePaletteBody, encodePaletteBody } from '../src/codec/fallback-palette-body.js';

const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let total = 0;
for (const file of process.argv.slice(2)) {
  const image = await readImage(readFileSync(file));
  const colourChannels = image.channels >= 3 ? 3 : 1;
  const pixels = image.width * image.height;
  const group = new Uint8Array(pixels * colourChannels);
  for (let p = 0; p < pixels; p++) for (let c = 0; c < colourChannels; c++) group[p * colourChannels + c] = image.data[p * image.channels + c]!;
  const t0 = cpu();
  const body = encodePaletteBody(group, image.width, image.height, colourChannels, 255);
  const t1 = cpu();
  if (!body) { console.log(path.basename(file), 'more than 256 colours'); continue; }
  const out = new Uint8Array(group.length);
  decodePaletteBody(body, out, image.width, image.height, colourChannels, 255);
  const t2 = cpu();
  const same = out.every((v, i) => v === group[i]);
  total += body.length;
  console.log(path.basename(file), body.length, `enc ${(t1 - t0).toFixed(2)}s dec ${(t2 - t1).toFixed(2)}s`, ((t2 - t1) / (pixels / 1e6)).toFixed(2), 's/MP', same ? 'exact' : 'MISMATCH');
}
console.log('total', total);
