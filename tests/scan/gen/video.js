// Turns label PNGs (ours, or the server's own `/labels/{item}.png`) into the fake camera's video:
// node gen/video.js OUT.y4m A.png B.png … — each label 1 s at 10 frames per second, then 0.5 s of
// blank page, in the order given.
import { readPng, writeY4m } from './images.js';

const [out, ...pngs] = process.argv.slice(2);
if (!out || pngs.length === 0) {
  console.error('usage: node gen/video.js OUT.y4m LABEL.png...');
  process.exit(2);
}
writeY4m(
  out,
  pngs.flatMap((p) => [{ raster: readPng(p), frames: 10 }, { raster: null, frames: 5 }]),
);
console.log(`${out}: ${pngs.length} labels`);
