// The fake camera's video from label codes, as the service prints them (its URL prefix, then the
// digits): node gen/camera.js OUT.y4m PREFIX CODE... — each label 1 s at 10 frames per second,
// then 0.5 s of blank page, in the order given. Used by the checks against the real service
// (tests/it/scan.rs), which also need a label for a tampered code that no service would print.
import { labelRaster, writeY4m } from './images.js';

const [out, prefix, ...codes] = process.argv.slice(2);
if (!out || !prefix || codes.length === 0) {
  console.error('usage: node gen/camera.js OUT.y4m PREFIX CODE...');
  process.exit(2);
}
writeY4m(
  out,
  codes.flatMap((c) => [{ raster: labelRaster(prefix, c), frames: 10 }, { raster: null, frames: 5 }]),
);
console.log(`${out}: ${codes.length} labels`);
