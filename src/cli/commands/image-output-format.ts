/**
 * The image format a converting command (convert, decompress) writes: --format and -o's extension must agree, and
 * either one alone decides; PNG when neither says. Invariant: a read-only format or a disagreement is a UsageError
 * (exit 2) before anything is read.
 */
import { Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { OUTPUT_FORMATS, outputFormatOfPath, type OutputFormat } from '../../image/image-format.js';

/** --format: one of the lossless output formats; no default, so that -o's extension can decide. */
export function imageFormatOption(): Option {
  return new Option('--format <format>', 'output format (default: from -o\'s extension, else png)').choices(OUTPUT_FORMATS as string[]);
}

/**
 * The format asked for by --format and by the extension of `outputFile` (-o when it names one file).
 * @param format --format, when given
 * @param outputFile -o's file name, or undefined for outputs named after their inputs or stdout
 * @throws UsageError when -o names a read-only format, or one other than --format
 */
export function imageOutputFormat(format: OutputFormat | undefined, outputFile: string | undefined): OutputFormat {
  const implied = outputFile === undefined ? undefined : outputFormatOfPath(outputFile);
  if (implied === 'read-only') {
    throw new UsageError(`-o ${outputFile}: idfz writes only lossless formats (${OUTPUT_FORMATS.join(', ')}); choose one of their extensions`);
  }
  if (format && implied && implied !== format) {
    throw new UsageError(`-o ${outputFile} names a ${implied} file but --format is ${format}; make them agree`);
  }
  return format ?? implied ?? OUTPUT_FORMATS[0]!;
}
