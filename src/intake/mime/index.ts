// MIME building for the intake pipeline.
export { type BuildMimeOptions, buildMime } from './build-mime.ts';
export {
  addressHeader,
  encodeWords,
  foldHeader,
  formatAddress,
  mimeParam,
  quotedPrintable,
  rfc5322Date,
  unstructured,
  wrapBase64,
} from './encode.ts';
