import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import sharp from 'sharp';
import { embedMetadata, exifFromTiffHeader } from '../../src/image/embed-metadata.js';
import { readPngChunks } from '../../src/image/png-chunks.js';
import { readWebpChunks } from '../../src/image/webp-chunks.js';
import { readImage } from '../../src/image/read-image.js';
import { writeImage } from '../../src/image/write-image.js';
import type { PixelBuffer } from '../../src/image/pixel-buffer.js';
import { SHARED_DATA } from '../helpers/paths.js';

/** An XMP packet of odd length, so WebP's chunk padding is exercised. */
const XMP = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF ' +
  'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">' +
  '<dc:creator>idfz test</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';

/** A 40 x 24 crop of Kodak 23 as `format`, tagged Display P3, EXIF orientation 6 and an XMP packet. */
async function taggedPhoto(format: 'png' | 'jpeg', alpha = false): Promise<Uint8Array> {
  let image = sharp(path.join(SHARED_DATA, 'kodak/kodim23.png')).extract({ left: 300, top: 200, width: 40, height: 24 });
  if (alpha) image = image.ensureAlpha(0.5);
  return image.withIccProfile('p3').withExif({ IFD0: { Copyright: 'idfz test', Software: 'idfz' } })
    .withMetadata({ orientation: 6 }).withXmp(XMP.length % 2 === 1 ? XMP : `${XMP} `)
    .toFormat(format, format === 'jpeg' ? { quality: 90 } : {}).toBuffer();
}

/** Writes `pixels` as `format` with their metadata and checks what sharp and idfz's reader see in the result. */
async function expectRoundTrip(pixels: PixelBuffer, format: 'png' | 'webp'): Promise<Uint8Array> {
  const source = pixels.metadata!;
  const { bytes, notWritten } = embedMetadata(await writeImage(pixels, format), format, source);
  assert.deepEqual(notWritten, []);
  const meta = await sharp(bytes).metadata();
  assert.deepEqual(new Uint8Array(meta.icc!), source.icc);
  assert.deepEqual(new Uint8Array(meta.exif!), exifFromTiffHeader(source.exif!));
  assert.deepEqual(new Uint8Array(meta.xmp!), source.xmp);
  assert.equal(meta.orientation, 6);
  const back = await readImage(bytes);
  assert.deepEqual([back.width, back.height, back.channels], [pixels.width, pixels.height, pixels.channels]);
  assert.deepEqual(back.data, pixels.data, `${format}: pixels changed`);
  return bytes;
}

test('a P3 photo with EXIF orientation 6 and XMP keeps all three, byte for byte, in PNG and WebP; pixels unchanged', async () => {
  const pixels = await readImage(await taggedPhoto('png'));
  const meta = pixels.metadata!;
  assert.ok(meta.icc && meta.exif && meta.xmp, 'the test image carries ICC, EXIF and XMP');
  assert.equal(meta.orientation, 6);
  assert.deepEqual([...meta.exif.subarray(0, 4)], [0x49, 0x49, 0x2a, 0]); // PNG eXIf: TIFF header first
  const png = await expectRoundTrip(pixels, 'png');
  // The chunks precede the image data, right after IHDR; nothing else is added.
  assert.deepEqual(readPngChunks(png).map((chunk) => chunk.type), ['IHDR', 'iCCP', 'eXIf', 'iTXt', 'pHYs', 'IDAT', 'IEND']);
  const webp = await expectRoundTrip(pixels, 'webp');
  const chunks = readWebpChunks(webp);
  assert.deepEqual(chunks.map((chunk) => chunk.fourCc), ['VP8X', 'ICCP', 'VP8L', 'EXIF', 'XMP ']);
  // Flags ICC (0x20), EXIF (0x08), XMP (0x04); canvas 40 x 24 stored as side - 1 in 24 bits.
  assert.deepEqual([...chunks[0]!.data], [0x2c, 0, 0, 0, 39, 0, 0, 23, 0, 0]);
  assert.equal(chunks.at(-1)!.data.length % 2, 1, 'the XMP chunk has an odd size, so its padding byte is exercised');
  assert.equal(new DataView(webp.buffer, webp.byteOffset).getUint32(4, true), webp.length - 8);
});

test('EXIF read from a JPEG (with "Exif\\0\\0" first) is written from its TIFF header on; RGBA WebP keeps its alpha flag', async () => {
  const jpeg = await readImage(await taggedPhoto('jpeg'));
  assert.equal(Buffer.from(jpeg.metadata!.exif!.subarray(0, 6)).toString('latin1'), 'Exif\0\0');
  await expectRoundTrip(jpeg, 'png');
  await expectRoundTrip(jpeg, 'webp');
  const rgba = await readImage(await taggedPhoto('png', true));
  assert.equal(rgba.channels, 4);
  const webp = await expectRoundTrip(rgba, 'webp');
  assert.equal(readWebpChunks(webp)[0]!.data[0], 0x3c, 'alpha flag 0x10 kept beside ICC, EXIF, XMP');
});

test('what a format cannot hold is listed, and the file is left as the encoder wrote it', async () => {
  const pixels = await readImage(await taggedPhoto('png'));
  const withIptc = { ...pixels.metadata!, iptc: Uint8Array.of(0x1c, 2, 0) };
  for (const format of ['tiff', 'pnm'] as const) {
    const encoded = await writeImage(pixels, format);
    const { bytes, notWritten } = embedMetadata(encoded, format, withIptc);
    assert.equal(bytes, encoded);
    assert.deepEqual(notWritten, ['ICC profile', 'EXIF', 'XMP', 'IPTC']);
  }
  const png = await writeImage(pixels, 'png');
  assert.deepEqual(embedMetadata(png, 'png', withIptc).notWritten, ['IPTC']);
  // Nothing to write: the same bytes back.
  assert.equal(embedMetadata(png, 'png', {}).bytes, png);
  const webp = await writeImage(pixels, 'webp');
  assert.equal(embedMetadata(webp, 'webp', { iptc: Uint8Array.of(1) }).bytes, webp);
  // A grey profile does not describe WebP's RGB samples: left out there, written into PNG.
  const grey = new Uint8Array(128);
  grey.set(Buffer.from('GRAY', 'latin1'), 16);
  assert.deepEqual(embedMetadata(webp, 'webp', { icc: grey }), { bytes: webp, notWritten: ['ICC profile'] });
  assert.deepEqual(embedMetadata(png, 'png', { icc: grey }).notWritten, []);
  // EXIF that is only the prefix has nothing to write.
  assert.deepEqual(embedMetadata(png, 'png', { exif: Uint8Array.from(Buffer.from('Exif\0\0', 'latin1')) }).notWritten, ['EXIF']);
});
