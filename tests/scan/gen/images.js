// Label pictures for the fixtures, and the fake camera's video: QR codes made as the service makes
// them (a byte segment for the URL prefix, a numeric one for the digits, level M), written as PNG,
// and any PNGs (ours or the server's own labels) turned into a YUV4MPEG2 file that Chromium
// plays as a camera (`--use-file-for-fake-video-capture`).
import { readFileSync, openSync, writeSync, closeSync } from 'node:fs';
import QRCode from 'qrcode';
import { PNG } from 'pngjs';

/** A grey raster ({width, height, data}) of the QR code of `{prefix}{code}`. */
export function labelRaster(prefix, code, { scale = 6, margin = 4 } = {}) {
  const qr = QRCode.create(
    [
      { data: prefix, mode: 'byte' },
      { data: code, mode: 'numeric' },
    ],
    { errorCorrectionLevel: 'M' },
  );
  const n = qr.modules.size;
  const side = (n + 2 * margin) * scale;
  const data = new Uint8Array(side * side).fill(255);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (!qr.modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = ((y + margin) * scale + dy) * side + (x + margin) * scale;
        data.fill(0, row, row + scale);
      }
    }
  }
  return { width: side, height: side, data, version: qr.version };
}

export function writePng(path, { width, height, data }) {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8 });
  png.data = Buffer.from(data);
  const out = PNG.sync.write(png, { colorType: 0, inputColorType: 0 });
  openAndWrite(path, out);
}

/** Any PNG as a grey raster (Rec. 601 luma, alpha over white). */
export function readPng(path) {
  const png = PNG.sync.read(readFileSync(path));
  const data = new Uint8Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) {
    const [r, g, b, a] = png.data.subarray(i * 4, i * 4 + 4);
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    data[i] = Math.round((y * a + 255 * (255 - a)) / 255);
  }
  return { width: png.width, height: png.height, data };
}

function openAndWrite(path, buf) {
  const fd = openSync(path, 'w');
  writeSync(fd, buf);
  closeSync(fd);
}

/**
 * Writes a video: `scenes` is a list of `{raster, frames}` (raster null for a blank page), each
 * picture centred on white and scaled (nearest neighbour) to at most 80% of the frame's height.
 */
export function writeY4m(path, scenes, { width = 480, height = 360, fps = 10 } = {}) {
  const fd = openSync(path, 'w');
  writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  for (const { raster, frames } of scenes) {
    const luma = Buffer.alloc(width * height, 235);
    if (raster) {
      const k = Math.min((0.8 * height) / raster.height, (0.8 * width) / raster.width);
      const w = Math.floor(raster.width * k);
      const h = Math.floor(raster.height * k);
      const x0 = Math.floor((width - w) / 2);
      const y0 = Math.floor((height - h) / 2);
      for (let y = 0; y < h; y++) {
        const sy = Math.floor(y / k);
        for (let x = 0; x < w; x++) {
          // Video luma runs 16..235; keep the picture's contrast inside that range.
          const v = raster.data[sy * raster.width + Math.floor(x / k)];
          luma[(y0 + y) * width + x0 + x] = 16 + Math.round((v * 219) / 255);
        }
      }
    }
    for (let f = 0; f < frames; f++) {
      writeSync(fd, 'FRAME\n');
      writeSync(fd, luma);
      writeSync(fd, chroma);
    }
  }
  closeSync(fd);
}
