// Draws the app's icons (src/http/scan/icon-192.png, icon-512.png): a white check mark on the
// brand green, full bleed so the same file serves as a maskable icon. Run once when the design
// changes; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const GREEN = [0x0b, 0x6e, 0x4f];
// The check mark in unit coordinates, inside the maskable safe zone (the central 80%).
const STROKE = [
  [0.3, 0.52],
  [0.44, 0.66],
  [0.71, 0.36],
];
const WIDTH = 0.085;

function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const k = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - k * dx, py - ay - k * dy);
}

function icon(size) {
  const png = new PNG({ width: size, height: size });
  const ss = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let cover = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const u = (x + (sx + 0.5) / ss) / size;
          const v = (y + (sy + 0.5) / ss) / size;
          const d = Math.min(distToSegment(u, v, STROKE[0], STROKE[1]), distToSegment(u, v, STROKE[1], STROKE[2]));
          if (d < WIDTH / 2) cover++;
        }
      }
      const a = cover / (ss * ss);
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) png.data[i + c] = Math.round(GREEN[c] * (1 - a) + 255 * a);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: 2, deflateLevel: 9 });
}

for (const size of [192, 512]) {
  const out = fileURLToPath(new URL(`../../../src/http/scan/icon-${size}.png`, import.meta.url));
  const bytes = icon(size);
  writeFileSync(out, bytes);
  console.log(`icon-${size}.png: ${bytes.length} bytes`);
}
