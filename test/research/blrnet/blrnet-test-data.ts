/**
 * Inputs for the blrnet tests: seeded random arrays, digit-like 28x28 images (strokes on a dark background, so the
 * first layer sees MNIST's value range and sparsity), a tiny labelled MNIST folder in the idx layout, and Phi
 * computed to double precision.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Random } from '../../../src/core/random.js';
import { idxBytes } from '../../data/formats.js';

/** `count` uniform values in [lo, hi). */
export function uniformArray(random: Random, count: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: count }, () => lo + (hi - lo) * random.nextFloat());
}

/**
 * `count` 28x28 grey images: a few random thick strokes whose shape depends on the label (label k draws k + 1
 * strokes from a label-seeded template, jittered per image), values 0..255, image after image.
 */
export function digitLikeImages(count: number, seed: number): { images: Uint8Array; labels: Uint16Array } {
  const random = new Random(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint16Array(count);
  for (let n = 0; n < count; n++) {
    const label = random.nextInt(10);
    labels[n] = label;
    const template = new Random(1000 + label);
    for (let s = 0; s <= label % 4 + 1; s++) {
      const [x0, y0, x1, y1] = [4 + template.nextInt(20), 4 + template.nextInt(20), 4 + template.nextInt(20), 4 + template.nextInt(20)];
      const [dx, dy] = [random.nextInt(3) - 1, random.nextInt(3) - 1];
      for (let t = 0; t <= 20; t++) {
        const x = Math.round(x0 + ((x1 - x0) * t) / 20) + dx;
        const y = Math.round(y0 + ((y1 - y0) * t) / 20) + dy;
        for (const [ox, oy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
          const [px, py] = [x + ox, y + oy];
          if (px >= 0 && px < 28 && py >= 0 && py < 28) images[n * 784 + py * 28 + px] = 160 + random.nextInt(96);
        }
      }
    }
  }
  return { images, labels };
}

/** Writes a labelled MNIST-layout folder (the four idx files) of digit-like images; returns its path. */
export function writeTinyMnist(dir: string, trainCount: number, testCount: number, seed = 1): string {
  const folder = path.join(dir, 'mnist');
  mkdirSync(folder, { recursive: true });
  for (const [split, count, offset] of [['train', trainCount, 0], ['t10k', testCount, 1]] as const) {
    const { images, labels } = digitLikeImages(count, seed + offset);
    writeFileSync(path.join(folder, `${split}-images-idx3-ubyte`), idxBytes([count, 28, 28], images));
    writeFileSync(path.join(folder, `${split}-labels-idx1-ubyte`), idxBytes([count], labels));
  }
  return folder;
}

/** Phi(x) to about 1e-15 (erfc by its continued fraction in the tails, the Taylor series of erf near 0). */
export function exactNormalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  let erf: number;
  if (z < 2) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 100; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    erf = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let fraction = 0;
    for (let n = 60; n >= 1; n--) fraction = n / 2 / (z + fraction);
    erf = 1 - Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + fraction);
  }
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
