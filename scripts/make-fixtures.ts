/**
 * Makes every image in fixtures/, plus fixtures/manifest.json (what reading each file must give) and
 * fixtures/README.md (how each was made, with sha256). Deterministic: the same bytes on every run, so
 * `node dist/scripts/make-fixtures.js --check` can regenerate in memory and compare with the files on disk.
 * PNGs and PNMs are encoded here by hand (independent of sharp); JPEG, GIF, WebP, TIFF and AVIF come from sharp.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { encodePng, pngChunk, pngFile, pngHeader, type PngColourType } from './make-fixtures-png.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

type Samples = Uint8Array | Uint16Array;

/** What reading a fixture must give. */
type Expectation =
  | { valid: true; format: string; width: number; height: number; channels: number; bitDepth: number; pixelsSha256: string | null; orientation?: number; icc?: boolean }
  | { valid: false; error: 'BadInputError' | 'LimitError' };

interface Fixture {
  file: string;
  how: string;
  bytes: Uint8Array;
  expect: Expectation;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Samples as bytes, 16-bit little-endian: the form test/image hashes with pixelBytes(). */
function sampleBytes(samples: Samples): Uint8Array {
  if (samples instanceof Uint8Array) return samples;
  const out = new Uint8Array(samples.length * 2);
  samples.forEach((value, i) => out.set([value & 0xff, value >> 8], 2 * i));
  return out;
}

/** A well-mixed 32-bit hash of a sample position, so fixtures look like noise but are fully determined. */
function noise(x: number, y: number, c: number, seed: number): number {
  let h = Math.imul(x + 1, 0x9e3779b1) ^ Math.imul(y + 1, 0x85ebca77) ^ Math.imul(c + 1 + 8 * seed, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * The fixture pattern: a diagonal gradient per channel with noise in the lowest bit (8-bit) or the whole low byte
 * (16-bit); the last pixel is all maximum, the first all zero; the alpha channel (last of 2 or 4) is 0 wherever
 * (x + 2y) mod 7 == 3, so fully transparent pixels keep colours a lossy writer would drop.
 */
function pattern(width: number, height: number, channels: number, bitDepth: 8 | 16, seed = 0): Samples {
  const out = bitDepth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  const max = bitDepth === 16 ? 0xffff : 0xff;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const n = noise(x, y, c, seed);
        const base = (x + y * 3 + c * 85) & 0xff;
        let value = bitDepth === 16 ? (base << 8) | (n & 0xff) : base ^ (n & 1);
        if (channels % 2 === 0 && c === channels - 1 && (x + 2 * y) % 7 === 3) value = 0;
        if (x === 0 && y === 0) value = 0;
        if (x === width - 1 && y === height - 1) value = max;
        out[(y * width + x) * channels + c] = value;
      }
    }
  }
  return out;
}

const KINDS = [
  { kind: 'grey', channels: 1, colourType: 0 },
  { kind: 'grey-alpha', channels: 2, colourType: 4 },
  { kind: 'rgb', channels: 3, colourType: 2 },
  { kind: 'rgba', channels: 4, colourType: 6 },
] as const;
const SIZES = [
  [1, 1],
  [3, 5],
  [33, 17],
  [257, 129],
] as const;

function valid(file: string, how: string, bytes: Uint8Array, format: string, width: number, height: number, channels: number, samples: Samples | null, extra = {}): Fixture {
  const bitDepth = samples instanceof Uint16Array ? 16 : 8;
  return { file, how, bytes, expect: { valid: true, format, width, height, channels, bitDepth, pixelsSha256: samples && sha256(sampleBytes(samples)), ...extra } };
}

function invalid(file: string, how: string, bytes: Uint8Array, error: 'BadInputError' | 'LimitError' = 'BadInputError'): Fixture {
  return { file, how, bytes, expect: { valid: false, error } };
}

function pngFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const { kind, channels, colourType } of KINDS) {
    for (const [w, h] of SIZES) {
      const samples = pattern(w, h, channels, 8);
      out.push(valid(`${kind}-${w}x${h}.png`, `PNG colour type ${colourType}, 8-bit, the pattern`, encodePng({ width: w, height: h, colourType, bitDepth: 8, samples }), 'png', w, h, channels, samples));
    }
  }
  for (const [kind, channels, colourType, w, h] of [
    ['grey16', 1, 0, 3, 5],
    ['grey16', 1, 0, 33, 17],
    ['rgb16', 3, 2, 3, 5],
    ['rgb16', 3, 2, 33, 17],
    ['rgba16', 4, 6, 33, 17],
  ] as const) {
    const samples = pattern(w, h, channels, 16);
    out.push(valid(`${kind}-${w}x${h}.png`, `PNG colour type ${colourType}, 16-bit, the 16-bit pattern`, encodePng({ width: w, height: h, colourType: colourType as PngColourType, bitDepth: 16, samples }), 'png', w, h, channels, samples));
  }
  const [w, h] = [33, 17];
  const levels = Uint8Array.from({ length: w * h }, (_, i) => noise(i % w, Math.floor(i / w), 0, 1) & 3);
  out.push(valid('grey-2bit-33x17.png', 'PNG grey, 2 bits per sample (values 0..3); reads as 8-bit 0, 85, 170, 255', encodePng({ width: w, height: h, colourType: 0, bitDepth: 2, samples: levels }), 'png', w, h, 1, levels.map((v) => v * 85)));
  const palette = Array.from({ length: 20 }, (_, i) => [(i * 53) & 255, (i * 97 + 11) & 255, (255 - i * 13) & 255] as const);
  const indices = Uint8Array.from({ length: w * h }, (_, i) => noise(i % w, Math.floor(i / w), 0, 2) % palette.length);
  out.push(valid('palette-33x17.png', 'PNG colour type 3, 8-bit indices into a 20-entry palette, no tRNS; reads as RGB', encodePng({ width: w, height: h, colourType: 3, bitDepth: 8, samples: indices, palette }), 'png', w, h, 3, Uint8Array.from([...indices].flatMap((i) => palette[i]!))));
  const alphas = [0, 255, 128, 1, 254, 64, 200, 17];
  const indices4 = indices.map((i) => i % 12);
  out.push(
    valid('palette-alpha-33x17.png', 'PNG colour type 3, 4-bit indices into 12 entries, tRNS for the first 8 (others opaque); reads as RGBA', encodePng({ width: w, height: h, colourType: 3, bitDepth: 4, samples: indices4, palette: palette.slice(0, 12), transparency: alphas }), 'png', w, h, 4, Uint8Array.from([...indices4].flatMap((i) => [...palette[i]!, alphas[i] ?? 255]))),
  );
  const rgb = pattern(w, h, 3, 8);
  out.push(valid('interlaced-rgb-33x17.png', 'PNG RGB 8-bit, Adam7 interlaced', encodePng({ width: w, height: h, colourType: 2, bitDepth: 8, samples: rgb, interlace: true }), 'png', w, h, 3, rgb));
  return out;
}

function pnm(header: string, raster: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(head.length + raster.length);
  out.set(head);
  out.set(raster, head.length);
  return out;
}

function bigEndian(samples: Uint16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  samples.forEach((value, i) => out.set([value >> 8, value & 0xff], 2 * i));
  return out;
}

function pnmFixtures(): Fixture[] {
  const [w, h] = [33, 17];
  const grey = pattern(w, h, 1, 8) as Uint8Array;
  const rgb16 = pattern(w, h, 3, 16) as Uint16Array;
  const rgba = pattern(w, h, 4, 8) as Uint8Array;
  const small = pattern(3, 5, 3, 8) as Uint8Array;
  const bits = Uint8Array.from({ length: w * h }, (_, i) => noise(i % w, Math.floor(i / w), 0, 3) & 1);
  const rowBytes = Math.ceil(w / 8);
  const packed = new Uint8Array(rowBytes * h);
  bits.forEach((bit, i) => {
    const [x, y] = [i % w, Math.floor(i / w)];
    packed[y * rowBytes + (x >> 3)]! |= bit << (7 - (x & 7));
  });
  const plainRows = Array.from({ length: 5 }, (_, y) => Array.from(small.subarray(y * 9, y * 9 + 9)).join(' '));
  const greyFile = pnm(`P5\n# made by scripts/make-fixtures.ts\n${w} ${h}\n255\n`, grey);
  return [
    valid('grey-33x17.pgm', 'binary PGM (P5), maxval 255, with a header comment', greyFile, 'pnm', w, h, 1, grey),
    valid('rgb16-33x17.ppm', 'binary PPM (P6), maxval 65535, big-endian samples', pnm(`P6 ${w} ${h} 65535\n`, bigEndian(rgb16)), 'pnm', w, h, 3, rgb16),
    valid('rgba-33x17.pam', 'PAM (P7), TUPLTYPE RGB_ALPHA, maxval 255', pnm(`P7\nWIDTH ${w}\nHEIGHT ${h}\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n`, rgba), 'pnm', w, h, 4, rgba),
    valid('plain-rgb-3x5.ppm', 'plain (ASCII) PPM (P3) with a comment, one row per line', new TextEncoder().encode(`P3\n3 5 # width height\n255\n${plainRows.join('\n')}\n`), 'pnm', 3, 5, 3, small),
    valid('bitmap-33x17.pbm', 'binary PBM (P4), rows padded to bytes; 1 = black reads as 0, 0 = white as 255', pnm(`P4\n${w} ${h}\n`, packed), 'pnm', w, h, 1, bits.map((bit) => (bit ? 0 : 255))),
    invalid('truncated-33x17.pgm', 'grey-33x17.pgm cut to 300 bytes', greyFile.subarray(0, 300)),
  ];
}

async function sharpFixtures(): Promise<Fixture[]> {
  const [w, h] = [33, 17];
  const raw = (samples: Samples, channels: 1 | 2 | 3 | 4, height = h) => sharp(samples, { raw: { width: w, height, channels } });
  const rgb = pattern(w, h, 3, 8);
  const rgba = pattern(w, h, 4, 8);
  const greyAlpha16 = pattern(w, h, 2, 16);
  const orientation = await raw(rgb, 3).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
  const plainJpeg = await raw(rgb, 3).jpeg({ quality: 90 }).toBuffer();
  const scan = plainJpeg.indexOf(Buffer.from([0xff, 0xda]));
  const garbledJpeg = Uint8Array.from(plainJpeg);
  for (let i = 0; i < 16; i++) garbledJpeg[scan + 40 + i]! ^= 0x5a;
  const colours = [[0, 0, 0], [255, 0, 0], [0, 128, 255], [17, 34, 51], [255, 255, 255], [1, 2, 3], [200, 100, 50]] as const;
  const frame = (seed: number) => Array.from({ length: w * h }, (_, i) => colours[noise(i % w, Math.floor(i / w), 0, seed) % colours.length]!).flat();
  const [first, second] = [frame(4), frame(5)];
  const gif = await sharp(Uint8Array.from([...first, ...second]), { raw: { width: w, height: 2 * h, channels: 3, pageHeight: h } })
    .gif({ dither: 0, reuse: false, interFrameMaxError: 0, interPaletteMaxError: 0 })
    .toBuffer();
  const firstRgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : first[(i >> 2) * 3 + (i % 4)]!));
  return [
    valid('orientation-6-33x17.jpg', 'JPEG (quality 90) of the RGB pattern with EXIF Orientation 6 and sRGB ICC (sharp withMetadata); stored 33x17, lossy so no pixel hash', orientation, 'jpeg', w, h, 3, null, { orientation: 6, icc: true }),
    valid('animated-33x17.gif', 'GIF, 2 frames of 7 colours (sharp, no dither); reads as the first frame, RGBA with alpha 255', gif, 'gif', w, h, 4, firstRgba),
    valid('rgba-33x17.webp', 'lossless WebP of the RGBA pattern (sharp, exact: transparent pixels keep their colour)', await raw(rgba, 4).webp({ lossless: true, exact: true }).toBuffer(), 'webp', w, h, 4, rgba),
    valid('grey-alpha16-33x17.tiff', 'TIFF grey + alpha 16-bit, deflate (sharp)', await raw(greyAlpha16, 2).toColourspace('grey16').tiff({ compression: 'deflate' }).toBuffer(), 'tiff', w, h, 2, greyAlpha16),
    valid('rgb-33x17.avif', 'lossless AVIF of the RGB pattern (sharp)', await raw(rgb, 3).avif({ lossless: true }).toBuffer(), 'avif', w, h, 3, rgb),
    invalid('cmyk-33x17.jpg', 'CMYK JPEG (sharp toColourspace cmyk): refused, idfz reads grey and RGB only', await raw(rgb, 3).toColourspace('cmyk').jpeg().toBuffer()),
    invalid('garbled-33x17.jpg', 'JPEG of the RGB pattern with 16 bytes of the entropy-coded scan XORed with 0x5a', garbledJpeg),
  ];
}

function brokenFixtures(truncateFrom: Uint8Array, garbleFrom: Uint8Array): Fixture[] {
  const garbled = Uint8Array.from(garbleFrom);
  const idat = Buffer.from(garbled).indexOf('IDAT');
  for (let i = 0; i < 8; i++) garbled[idat + 40 + i]! ^= 0xff;
  const tinyIdat = pngChunk('IDAT', deflateSync(new Uint8Array(16)));
  const header = (width: number, height: number) => pngFile([pngChunk('IHDR', pngHeader(width, height, 8, 2, false)), tinyIdat, pngChunk('IEND', new Uint8Array(0))]);
  const bmp = new Uint8Array(70);
  const view = new DataView(bmp.buffer);
  bmp.set([0x42, 0x4d]);
  [[2, 70], [10, 54], [14, 40], [18, 2], [22, 2], [34, 16]].forEach(([at, value]) => view.setUint32(at!, value!, true));
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  return [
    invalid('truncated-257x129.png', 'rgb-257x129.png cut to its first half (inside the IDAT data)', truncateFrom.subarray(0, truncateFrom.length >> 1)),
    invalid('garbled-33x17.png', 'rgb-33x17.png with 8 bytes inside the first IDAT inverted (CRC mismatch)', garbled),
    invalid('zero-width.png', 'PNG whose IHDR says 0x5 (valid CRC)', header(0, 5)),
    invalid('huge-1000000x1000000.png', 'PNG whose IHDR says 1000000x1000000 with a tiny IDAT: refused from the header, before decoding', header(1_000_000, 1_000_000), 'LimitError'),
    invalid('not-an-image.txt', 'a text file', new TextEncoder().encode('This is a text file, not an image.\n')),
    invalid('empty.png', 'an empty file named .png', new Uint8Array(0)),
    invalid('unsupported.bmp', 'a valid 2x2 24-bit BMP: a format sharp does not read', bmp),
    invalid('vector.svg', 'an SVG: sharp would render it, idfz refuses vector input', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="red"/></svg>\n')),
  ];
}

async function allFixtures(): Promise<Fixture[]> {
  const png = pngFixtures();
  const byName = (file: string) => png.find((fixture) => fixture.file === file)!.bytes;
  return [...png, ...pnmFixtures(), ...(await sharpFixtures()), ...brokenFixtures(byName('rgb-257x129.png'), byName('rgb-33x17.png'))];
}

function readme(fixtures: readonly Fixture[]): string {
  const rows = fixtures.map(({ file, how, bytes, expect }) => {
    const result = expect.valid ? `${expect.width}x${expect.height}, ${expect.channels} ch, ${expect.bitDepth}-bit` : expect.error;
    return `| \`${file}\` | ${result} | ${how} | \`${sha256(bytes)}\` |`;
  });
  return `# Fixtures

Small images the project makes itself with \`scripts/make-fixtures.ts\`; never edit them by hand. Regenerate with
\`npm run fixtures\`; check that the files here are exactly what the script makes with
\`npm run fixtures -- --check\` (it regenerates in memory and compares bytes; the script is deterministic, so two
runs give identical files with the sha256 below). Files that sharp makes are byte-identical only with the same sharp
and libvips build (package-lock.json pins sharp); the pixels they must read as do not depend on it.

PNG and PNM files are encoded by the script itself (\`scripts/make-fixtures-png.ts\`: every row filter, several IDAT
chunks, Adam7), so the reader is tested against files sharp did not write; JPEG, GIF, WebP, TIFF and AVIF files come
from sharp. "The pattern" is a per-channel diagonal gradient with noise in the lowest bit (8-bit) or the whole low byte
(16-bit), first pixel all 0, last pixel all maximum, alpha 0 wherever (x + 2y) mod 7 = 3.

\`manifest.json\` says what reading each file must give: geometry and the sha256 of the decoded samples
(interleaved, 16-bit little-endian), computed from the pattern, not by reading the file back; or the error class.
\`test/image/fixtures.test.ts\` checks every entry and round-trips every valid file through PNG, WebP, TIFF and PNM.

| file | reads as | how it was made | sha256 |
|---|---|---|---|
${rows.join('\n')}
`;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const fixtures = await allFixtures();
  const manifest = fixtures.map(({ file, how, bytes, expect }) => ({ file, sha256: sha256(bytes), how, ...expect }));
  const outputs: [string, Uint8Array][] = [
    ...fixtures.map(({ file, bytes }): [string, Uint8Array] => [file, bytes]),
    ['manifest.json', new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)],
    ['README.md', new TextEncoder().encode(readme(fixtures))],
  ];
  if (!check) {
    for (const [file, bytes] of outputs) writeFileSync(path.join(FIXTURES, file), bytes);
    console.log(`wrote ${outputs.length} files to ${FIXTURES}`);
    return;
  }
  const differing = outputs.filter(([file, bytes]) => {
    try {
      return sha256(readFileSync(path.join(FIXTURES, file))) !== sha256(bytes);
    } catch {
      return true;
    }
  });
  for (const [file] of differing) console.error(`differs from what the script makes: fixtures/${file}`);
  console.log(`${outputs.length - differing.length} of ${outputs.length} fixture files match`);
  process.exitCode = differing.length > 0 ? 1 : 0;
}

await main();
