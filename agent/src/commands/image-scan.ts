/**
 * `image.scan`: scans one image with Trivy on request. Reads only, so a `--read-only` agent
 * runs it too; answers `unsupported` ("Trivy is not installed on this host") without Trivy.
 * @module
 */
import { ImageScanArgsSchema } from '@unity/shared';
import type * as z from 'zod/mini';
import { scanImage, type TrivyOptions } from '../scan/trivy.js';
import type { CommandHandler } from './dispatcher.js';

export const imageScanCommand = (
  options: TrivyOptions,
): CommandHandler<z.infer<typeof ImageScanArgsSchema>> => ({
  args: ImageScanArgsSchema,
  mutates: false,
  run: ({ image }, { signal }) => scanImage(image, options, signal),
});
