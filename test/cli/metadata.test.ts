/**
 * Metadata through the CLI, end to end on a real photo crop tagged the way phones tag theirs (Display P3 profile,
 * EXIF orientation 6, an XMP packet): compress stores it (format version 3), info lists it, decompress to PNG and
 * WebP gives back the same bytes (as sharp reads them) and the same pixels, convert carries it too;
 * --strip-metadata gives the version 2 file of the pixels alone; damage to the block is one line and exit 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { runCli } from '../helpers/run-cli.js';
import { assertOneLine, CliWorkspaces } from './cli-workspace.js';
import { readIdfHeader } from '../../src/container/index.js';
import { exifFromTiffHeader } from '../../src/image/embed-metadata.js';
import { readImage } from '../../src/image/read-image.js';
import { REPO_ROOT, SHARED_DATA } from '../helpers/paths.js';

const workspaces = new CliWorkspaces('idfz-metadata-');
const XMP = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF ' +
  'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">' +
  '<dc:creator>idfz</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';

/** A 48 x 32 crop of Kodak 5 as `format`, tagged P3, EXIF orientation 6 and XMP; and the same pixels untagged, as PNG. */
async function photos(format: 'png' | 'jpeg'): Promise<{ tagged: Buffer; plain: Buffer }> {
  const crop = () => sharp(path.join(SHARED_DATA, 'kodak/kodim05.png')).extract({ left: 200, top: 300, width: 48, height: 32 });
  const tagged = await crop().withIccProfile('p3').withExif({ IFD0: { Copyright: 'idfz test' } }).withMetadata({ orientation: 6 })
    .withXmp(XMP).toFormat(format, format === 'jpeg' ? { quality: 92 } : {}).toBuffer();
  // The stored samples of the tagged file (sharp transformed them into P3 when it made it) as a PNG without metadata.
  const pixels = await readImage(tagged);
  const plain = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } }).png().toBuffer();
  return { tagged, plain };
}

/**
 * Runs bin/idfz in a child process, where warnings reach stderr (in-process, the logger writes to the test's own fd
 * 2): exit code and the warnings' messages.
 */
async function runIdfz(args: readonly string[], cwd: string): Promise<{ code: number; warnings: string[] }> {
  const result = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bin/idfz'), ...args], { cwd })
    .then((done) => ({ code: 0, stderr: done.stderr }), (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }));
  const warnings = result.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => (JSON.parse(line) as { msg: string }).msg);
  return { code: result.code, warnings };
}

async function expectSameMetadata(output: Buffer, source: Buffer): Promise<void> {
  const [got, want] = await Promise.all([sharp(output).metadata(), sharp(source).metadata()]);
  assert.deepEqual(new Uint8Array(got.icc!), new Uint8Array(want.icc!));
  assert.deepEqual(new Uint8Array(got.exif!), exifFromTiffHeader(new Uint8Array(want.exif!)));
  assert.deepEqual(new Uint8Array(got.xmp!), new Uint8Array(want.xmp!));
  assert.deepEqual([got.orientation, want.orientation], [6, 6]);
  assert.deepEqual((await readImage(output)).data, (await readImage(source)).data);
}

test('compress keeps ICC, EXIF and XMP; decompress writes them back byte for byte into PNG and WebP, pixels equal', async () => {
  for (const format of ['png', 'jpeg'] as const) {
    const folder = workspaces.folder();
    const { tagged } = await photos(format);
    const input = `photo.${format === 'png' ? 'png' : 'jpg'}`;
    writeFileSync(path.join(folder, input), tagged);
    const compressed = await runCli(['compress', input, '-o', 'photo.idf', '--no-model', '--json'], { cwd: folder });
    assert.deepEqual([compressed.code, compressed.stderr], [0, ''], format);
    const idf = readFileSync(path.join(folder, 'photo.idf'));
    const header = readIdfHeader(idf);
    const source = await sharp(tagged).metadata();
    assert.deepEqual([header.fileVersion, header.version], [3, 2]);
    assert.deepEqual(header.metadata.map((entry) => [entry.type, Buffer.from(entry.bytes)]),
      [['icc', source.icc], ['exif', source.exif], ['xmp', source.xmp]]);
    const sizes = header.metadata.map((entry) => ({ type: entry.type, bytes: entry.bytes.length }));
    assert.deepEqual(JSON.parse(compressed.stdout.toString()).metadata, sizes);
    for (const out of ['back.png', 'back.webp']) {
      const result = await runCli(['decompress', 'photo.idf', '-o', out], { cwd: folder });
      assert.deepEqual([result.code, result.stderr], [0, ''], `${format} -> ${out}`);
      await expectSameMetadata(readFileSync(path.join(folder, out)), tagged);
    }
    const info = await runCli(['info', 'photo.idf', '--json'], { cwd: folder });
    assert.deepEqual(JSON.parse(info.stdout.toString()).metadata, sizes);
    const text = await runCli(['info', 'photo.idf'], { cwd: folder });
    assert.match(text.stdout.toString(), /^photo\.idf: \.idf format version 3$/m);
    assert.match(text.stdout.toString(), new RegExp(`^  metadata: ICC profile ${sizes[0]!.bytes} bytes, EXIF ${sizes[1]!.bytes} bytes, XMP ${sizes[2]!.bytes} bytes$`, 'm'));
  }
});

test('--strip-metadata: the version 2 file of the pixels alone, and a warning naming what was left out', async () => {
  const folder = workspaces.folder();
  const { tagged, plain } = await photos('png');
  writeFileSync(path.join(folder, 'tagged.png'), tagged);
  writeFileSync(path.join(folder, 'plain.png'), plain);
  const stripped = await runIdfz(['compress', 'tagged.png', '--strip-metadata', '--no-model'], folder);
  assert.deepEqual(stripped, { code: 0, warnings: [
    'tagged.png: not copied to tagged.idf: ICC profile (--strip-metadata), EXIF (--strip-metadata), XMP (--strip-metadata), ' +
      'orientation 6 (lost with the EXIF; the pixels stay in stored order)',
  ] });
  const alone = await runCli(['compress', 'plain.png', '--no-model'], { cwd: folder });
  assert.deepEqual([alone.code, alone.stderr], [0, '']);
  const bytes = readFileSync(path.join(folder, 'tagged.idf'));
  assert.deepEqual(bytes, readFileSync(path.join(folder, 'plain.idf')));
  assert.deepEqual([bytes[4], readIdfHeader(bytes).metadata], [2, []]);
});

test('a damaged metadata block is one line naming the field, exit 1, for decompress and info', async () => {
  const folder = workspaces.folder();
  writeFileSync(path.join(folder, 'photo.png'), (await photos('png')).tagged);
  assert.equal((await runCli(['-q', 'compress', 'photo.png', '--no-model'], { cwd: folder })).code, 0);
  const bytes = readFileSync(path.join(folder, 'photo.idf'));
  const header = readIdfHeader(bytes);
  const blockStart = header.headerBytes - header.metadataBytes;
  const inProfile = Buffer.from(bytes);
  inProfile[blockStart + 40]! ^= 0x01; // inside the ICC profile: only the block CRC can tell
  writeFileSync(path.join(folder, 'profile.idf'), inProfile);
  const count = Buffer.from(bytes);
  count[blockStart] = 9;
  writeFileSync(path.join(folder, 'count.idf'), count);
  const one = await runCli(['decompress', 'profile.idf'], { cwd: folder });
  assert.equal(one.code, 1);
  assertOneLine(one, new RegExp(`^idfz: profile\\.idf: corrupt stream: metadata block CRC mismatch \\(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\) at byte ${header.headerBytes - 4}$`));
  const info = await runCli(['info', 'count.idf'], { cwd: folder });
  assert.equal(info.code, 1);
  assertOneLine(info, new RegExp(`^idfz: count\\.idf: corrupt stream: metadata entry count 9 is not in 1\\.\\.4 at byte ${blockStart}$`));
});

test('outputs that cannot hold metadata warn; convert carries it into PNG like decompress does', async () => {
  const folder = workspaces.folder();
  const { tagged } = await photos('png');
  writeFileSync(path.join(folder, 'photo.png'), tagged);
  assert.equal((await runCli(['-q', 'compress', 'photo.png', '--no-model'], { cwd: folder })).code, 0);
  assert.deepEqual(await runIdfz(['decompress', 'photo.idf', '-o', 'quiet.png'], folder), { code: 0, warnings: [] });
  assert.deepEqual(await runIdfz(['decompress', 'photo.idf', '-o', 'back.ppm'], folder), { code: 0, warnings: [
    'photo.idf: not copied to back.ppm: ICC profile, EXIF, XMP (PNM has no place for metadata)',
  ] });
  assert.deepEqual(await runIdfz(['decompress', 'photo.idf', '-o', 'back.tif'], folder), { code: 0, warnings: [
    'photo.idf: not copied to back.tif: ICC profile, EXIF, XMP (idfz does not write metadata into TIFF; use --format png or webp)',
  ] });
  const converted = await runCli(['convert', 'photo.png', '-o', 'copy.webp'], { cwd: folder });
  assert.deepEqual([converted.code, converted.stderr], [0, '']);
  await expectSameMetadata(readFileSync(path.join(folder, 'copy.webp')), tagged);
  assert.deepEqual(await runIdfz(['convert', 'photo.png', '-o', 'copy.ppm'], folder), { code: 0, warnings: [
    'photo.png: not copied to copy.ppm: ICC profile, EXIF, XMP (PNM has no place for metadata), orientation 6 (lost with the EXIF; the pixels stay in stored order)',
  ] });
});
