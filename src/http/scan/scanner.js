// The camera and the QR reader: the rear camera when there is one, frames read by the browser's
// own BarcodeDetector where it reads QR codes, otherwise by the vendored jsQR (loaded only then).

/** A label read again within this time of its last sighting is the same, still-visible label. */
const SAME_LABEL_MS = 1500;
/** Frames are downscaled to this width before jsQR: enough for a version-7 code at arm's length. */
const MAX_WIDTH = 640;
const INTERVAL_MS = 120;

async function makeDecoder() {
  if ('BarcodeDetector' in globalThis) {
    try {
      const formats = await globalThis.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) {
        const detector = new globalThis.BarcodeDetector({ formats: ['qr_code'] });
        return {
          name: 'BarcodeDetector',
          async read(video) {
            const found = await detector.detect(video);
            return found[0]?.rawValue ?? null;
          },
        };
      }
    } catch {
      // Fall through to jsQR.
    }
  }
  const jsQR = (await import('./vendor/jsqr.js')).default;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return {
    name: 'jsQR',
    async read(video) {
      const w = video.videoWidth;
      const h = video.videoHeight;
      if (!w || !h) return null;
      const k = Math.min(1, MAX_WIDTH / w);
      canvas.width = Math.round(w * k);
      canvas.height = Math.round(h * k);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      return jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
    },
  };
}

/**
 * Starts the camera in `video` and calls `onRead(text)` once per label shown: a label that stays
 * in view is reported once, and again only after it has left the view for a moment.
 * Returns `{stop(), decoder}`; throws if the camera cannot be opened.
 */
export async function startScanner(video, onRead) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  video.srcObject = stream;
  await video.play();
  const decoder = await makeDecoder();
  let running = true;
  let timer = null;
  const seen = new Map();
  const tick = async () => {
    if (!running) return;
    try {
      const text = await decoder.read(video);
      const now = Date.now();
      if (text) {
        const last = seen.get(text);
        seen.set(text, now);
        if (last === undefined || now - last > SAME_LABEL_MS) onRead(text);
      }
    } catch {
      // A frame that cannot be read is skipped; the next one may be fine.
    }
    if (running) timer = setTimeout(tick, INTERVAL_MS);
  };
  tick();
  return {
    decoder: decoder.name,
    stop() {
      running = false;
      clearTimeout(timer);
      for (const t of stream.getTracks()) t.stop();
      video.srcObject = null;
    },
  };
}
