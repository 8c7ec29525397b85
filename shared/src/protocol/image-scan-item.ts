/**
 * The batch item of a scheduled image scan: the agent scans the images of its running
 * containers with Trivy now and then and reports each result like any other sample, so a scan
 * made while the hub is away is delivered later from the outbox.
 * @module
 */
import * as z from 'zod/mini';
import { ImageScanSchema } from '../api/image-scan.js';

export const ImageScanItemSchema = z.object({
  kind: z.literal('image_scan'),
  ts: z.int().check(z.positive()),
  scan: ImageScanSchema,
});
export type ImageScanItem = z.infer<typeof ImageScanItemSchema>;
