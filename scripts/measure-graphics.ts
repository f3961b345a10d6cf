/**
 * measure-graphics: bytes of idfz against PNG, WebP lossless and JPEG-XL on synthetic images (screenshots, charts,
 * diagrams, text, few-colour images), where fallback modes 6 (the copy model) and 9 (the palette model) work, with
 * idfz's encode and decode CPU seconds. Every idfz file is decoded and compared with the input, so a number is never
 * printed for a wrong round trip.
 *
 *   node dist/scripts/measure-graphics.js [--folder DIR] [--tile-size N] [--no-model] [--json]
 *
 * Without --folder it renders its own set from SVG strings into a temporary folder (a terminal-like text screen, a
 * bar chart, a UI form, a diagram, whose text differs between machines' fonts; and a gradient illustration quantised
 * by sharp to 32 dithered colours, as GIFs and pngquant'd PNGs are). PNG is given as read and as sharp writes it at
 * maximum compression; WebP is `cwebp -lossless -z 9`, JPEG-XL `cjxl -d 0 -e 7`, each only when the tool is on PATH.
 * idfz uses the default model for the image's channels (as `idfz compress`), one thread.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { compress, decompress } from '../src/codec/index.js';
import { readImage } from '../src/image/read-image.js';
import { defaultModel, loadModel, type LoadedModel } from '../src/zoo/index.js';

interface Row {
  image: string;
  width: number;
  height: number;
  channels: number;
  png: number;
  pngMax: number;
  webp: number | null;
  jxl: number | null;
  idfz: number;
  fallbackTiles: number;
  tiles: number;
  encodeSeconds: number;
  decodeSeconds: number;
}

function usage(message: string): never {
  console.error(`measure-graphics: ${message}\nusage: node dist/scripts/measure-graphics.js [--folder DIR] [--tile-size N] [--no-model] [--json]`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): { folder: string | null; tileSize: number | undefined; noModel: boolean; json: boolean } {
  let folder: string | null = null;
  let tileSize: number | undefined;
  let noModel = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--folder') folder = argv[++i] ?? usage('--folder needs a folder');
    else if (arg === '--tile-size') {
      tileSize = Number(argv[++i]);
      if (!Number.isInteger(tileSize) || tileSize < 1) usage(`expected a positive integer for --tile-size but received "${argv[i]}"`);
    } else if (arg === '--no-model') noModel = true;
    else if (arg === '--json') json = true;
    else usage(`unknown argument "${arg}"`);
  }
  return { folder, tileSize, noModel, json };
}

/** The rendered set: name -> SVG. */
function renderedSet(): Record<string, string> {
  const lines = Array.from({ length: 26 }, (_, i) => {
    const colours = ['#d4d4d4', '#6a9955', '#ce9178', '#569cd6', '#dcdcaa'];
    const text = i % 4 === 0 ? `$ cargo test --package idfz -- codec::tile ${i}` : `test codec::fallback_${i}::round_trip ... ok (${i * 37 % 101} ms)`;
    return `<text x="8" y="${20 + i * 18}" font-family="monospace" font-size="14" fill="${colours[i % 5]}">${text}</text>`;
  }).join('');
  const terminal = `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="490"><rect width="720" height="490" fill="#1e1e1e"/>${lines}</svg>`;
  const bars = Array.from({ length: 12 }, (_, i) => {
    const h = 40 + ((i * 73) % 220);
    return `<rect x="${60 + i * 50}" y="${320 - h}" width="34" height="${h}" fill="${i % 2 ? '#4e79a7' : '#f28e2b'}"/>`
      + `<text x="${62 + i * 50}" y="340" font-family="sans-serif" font-size="12" fill="#333">Q${i + 1}</text>`;
  }).join('');
  const grid = Array.from({ length: 6 }, (_, i) => `<line x1="50" y1="${320 - i * 50}" x2="670" y2="${320 - i * 50}" stroke="#ddd"/>`
    + `<text x="20" y="${324 - i * 50}" font-family="sans-serif" font-size="11" fill="#666">${i * 50}</text>`).join('');
  const chart = `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="360"><rect width="700" height="360" fill="#fff"/>${grid}${bars}`
    + '<text x="250" y="24" font-family="sans-serif" font-size="16" font-weight="bold" fill="#222">Tiles coded per quarter</text></svg>';
  const fields = ['Name', 'E-mail', 'Organisation', 'Password'].map((label, i) =>
    `<text x="40" y="${92 + i * 64}" font-family="sans-serif" font-size="14" fill="#24292f">${label}</text>`
    + `<rect x="40" y="${100 + i * 64}" width="380" height="30" rx="6" fill="#f6f8fa" stroke="#d0d7de"/>`
    + `<text x="50" y="${120 + i * 64}" font-family="sans-serif" font-size="13" fill="#57606a">${i === 3 ? '••••••••' : `value ${i}`}</text>`).join('');
  const form = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="400"><rect width="480" height="400" fill="#fff"/>`
    + '<rect width="480" height="48" fill="#24292f"/><text x="20" y="30" font-family="sans-serif" font-size="16" fill="#fff">Create account</text>'
    + `${fields}<rect x="40" y="356" width="120" height="32" rx="6" fill="#2da44e"/>`
    + '<text x="62" y="377" font-family="sans-serif" font-size="14" fill="#fff">Sign up</text></svg>';
  const boxes = ['parse', 'tile', 'model', 'rANS', 'write'].map((name, i) =>
    `<rect x="${30 + i * 130}" y="${80 + (i % 2) * 120}" width="100" height="50" rx="8" fill="${['#e3f2fd', '#fff3e0', '#e8f5e9', '#fce4ec', '#ede7f6'][i]}" stroke="#455a64" stroke-width="2"/>`
    + `<text x="${52 + i * 130}" y="${110 + (i % 2) * 120}" font-family="sans-serif" font-size="14" fill="#263238">${name}</text>`
    + (i < 4 ? `<line x1="${130 + i * 130}" y1="${105 + (i % 2) * 120}" x2="${160 + i * 130}" y2="${105 + ((i + 1) % 2) * 120}" stroke="#455a64" stroke-width="2"/>` : '')).join('');
  const diagram = `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="300"><rect width="700" height="300" fill="#fafafa"/>${boxes}`
    + '<circle cx="620" cy="60" r="30" fill="none" stroke="#c62828" stroke-width="3"/></svg>';
  return { terminal, 'bar-chart': chart, 'ui-form': form, diagram };
}

/** The rendered palette case: name -> SVG, written as a palette PNG of 32 colours, dithered. */
function renderedPaletteSet(): Record<string, string> {
  const illustration = '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400"><defs>'
    + '<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1a237e"/><stop offset="1" stop-color="#ffb74d"/></linearGradient>'
    + '<radialGradient id="sun" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#fff59d"/><stop offset="1" stop-color="#ff7043"/></radialGradient>'
    + '</defs><rect width="640" height="400" fill="url(#sky)"/><circle cx="470" cy="150" r="70" fill="url(#sun)"/>'
    + '<path d="M0 300 Q160 220 320 290 T640 270 V400 H0 Z" fill="#2e7d32"/><path d="M0 340 Q200 300 380 350 T640 330 V400 H0 Z" fill="#1b5e20"/></svg>';
  return { 'gradient-32-colours': illustration };
}

function tool(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status !== null;
}

/** Bytes of `tool args... input output`, or null when the tool is missing or fails. */
function toolBytes(name: string, args: (input: string, output: string) => string[], input: string, scratch: string, ext: string): number | null {
  const output = path.join(scratch, `out.${ext}`);
  const run = spawnSync(name, args(input, output), { stdio: 'ignore' });
  if (run.status !== 0) return null;
  const bytes = statSync(output).size;
  rmSync(output);
  return bytes;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

async function measure(file: string, scratch: string, tileSize: number | undefined, noModel: boolean, tools: { webp: boolean; jxl: boolean }): Promise<Row> {
  const bytes = readFileSync(file);
  const pixels = await readImage(bytes, { name: file });
  const pngMax = (await sharp(bytes).png({ compressionLevel: 9, effort: 10, adaptiveFiltering: true }).toBuffer()).length;
  const model: LoadedModel | null = noModel ? null : await (async () => {
    const record = await defaultModel(pixels.channels >= 3 ? 3 : 1);
    return record ? loadModel(record) : null;
  })();
  let since = process.cpuUsage();
  const result = await compress(pixels, { model, threads: 1, tileSize });
  const encodeSeconds = cpuSeconds(since);
  since = process.cpuUsage();
  const resolveModel = async (): Promise<LoadedModel> => {
    if (!model) throw new Error(`${file}: the idfz file names a model, but none was used`);
    return model;
  };
  const back = await decompress(result.bytes, { threads: 1, resolveModel });
  const decodeSeconds = cpuSeconds(since);
  if (Buffer.compare(Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength), Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength)) !== 0) {
    throw new Error(`${file}: the idfz round trip is not exact`);
  }
  return {
    image: path.basename(file),
    width: pixels.width,
    height: pixels.height,
    channels: pixels.channels,
    png: bytes.length,
    pngMax,
    webp: tools.webp ? toolBytes('cwebp', (i, o) => ['-quiet', '-lossless', '-z', '9', i, '-o', o], file, scratch, 'webp') : null,
    jxl: tools.jxl ? toolBytes('cjxl', (i, o) => ['--quiet', '-d', '0', '-e', '7', i, o], file, scratch, 'jxl') : null,
    idfz: result.bytes.length,
    fallbackTiles: result.tiles - result.learnedTiles,
    tiles: result.tiles,
    encodeSeconds,
    decodeSeconds,
  };
}

function table(rows: readonly Row[]): string {
  const sum = (pick: (row: Row) => number | null): string => {
    const values = rows.map(pick);
    return values.some((v) => v === null) ? '-' : String(values.reduce<number>((s, v) => s + v!, 0));
  };
  const header = ['image', 'size', 'PNG', 'PNG max', 'WebP-LL', 'JXL e7', 'idfz', 'enc s', 'dec s'];
  const lines = rows.map((r) => [r.image, `${r.width}x${r.height}x${r.channels}`, String(r.png), String(r.pngMax), String(r.webp ?? '-'),
    String(r.jxl ?? '-'), String(r.idfz), r.encodeSeconds.toFixed(2), r.decodeSeconds.toFixed(2)]);
  lines.push(['total', '', sum((r) => r.png), sum((r) => r.pngMax), sum((r) => r.webp), sum((r) => r.jxl), sum((r) => r.idfz),
    rows.reduce((s, r) => s + r.encodeSeconds, 0).toFixed(2), rows.reduce((s, r) => s + r.decodeSeconds, 0).toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const { folder, tileSize, noModel, json } = parseArgs(process.argv.slice(2));
  const scratch = mkdtempSync(path.join(tmpdir(), 'idfz-graphics-'));
  try {
    let source = folder;
    if (!source) {
      source = path.join(scratch, 'rendered');
      mkdirSync(source);
      for (const [name, svg] of Object.entries(renderedSet())) {
        writeFileSync(path.join(source, `${name}.png`), await sharp(Buffer.from(svg)).removeAlpha().png().toBuffer());
      }
      for (const [name, svg] of Object.entries(renderedPaletteSet())) {
        const png = await sharp(Buffer.from(svg)).removeAlpha().png({ palette: true, colours: 32, dither: 1 }).toBuffer();
        writeFileSync(path.join(source, `${name}.png`), png);
      }
    }
    const files = readdirSync(source).filter((f) => f.toLowerCase().endsWith('.png')).sort();
    if (files.length === 0) usage(`no PNG files in ${source}`);
    const tools = { webp: tool('cwebp'), jxl: tool('cjxl') };
    const rows: Row[] = [];
    for (const file of files) rows.push(await measure(path.join(source, file), scratch, tileSize, noModel, tools));
    if (json) console.log(JSON.stringify({ folder: folder ?? 'rendered', tileSize: tileSize ?? 'default', model: !noModel, rows }, null, 2));
    else console.log(table(rows));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
