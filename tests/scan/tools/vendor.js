// Builds the vendored libraries of the scanner app, src/http/scan/vendor/, from the pinned npm
// packages of this folder (package-lock.json): jsQR 1.4.0 (Apache-2.0) and @noble/ed25519 3.2.0
// (MIT), each as one minified ES module with its licence notice, and their licence texts.
// `node tools/vendor.js --check` fails if the committed files are not exactly what this makes.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const OUT = here('../../../src/http/scan/vendor/');
const pkg = (name) => JSON.parse(readFileSync(here(`../node_modules/${name}/package.json`), 'utf8'));

function jsqr() {
  const { version } = pkg('jsqr');
  let src = readFileSync(here('../node_modules/jsqr/dist/jsQR.js'), 'utf8');
  // The Shift_JIS table (7,000 lines) only serves QR codes in Kanji mode, which a tasdiq label
  // never uses (a byte segment and a numeric segment): dropping it halves the library.
  const start = src.indexOf('exports.shiftJISTable = {');
  const end = src.indexOf('};', start);
  if (start < 0 || end < 0) throw new Error('jsQR layout changed: Shift_JIS table not found');
  src = `${src.slice(0, start)}exports.shiftJISTable = {};${src.slice(end + 2)}`;
  // esbuild turns the CommonJS branch of the UMD wrapper into the module's default export.
  const out = buildSync({
    stdin: { contents: src, loader: 'js', sourcefile: 'jsQR.js' },
    bundle: false,
    format: 'esm',
    minify: true,
    write: false,
    legalComments: 'none',
  });
  const banner = `/*! jsQR ${version} (https://github.com/cozmo/jsQR), Apache License 2.0: /scan/vendor/LICENSE-jsqr.txt.
 Modified by tasdiq: Shift_JIS table removed (Kanji mode is never used by tasdiq labels), minified with esbuild, exported as an ES module. */\n`;
  return banner + out.outputFiles[0].text;
}

function noble() {
  const { version } = pkg('@noble/ed25519');
  const out = buildSync({
    entryPoints: [here('../node_modules/@noble/ed25519/index.js')],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    legalComments: 'none',
  });
  const banner = `/*! noble-ed25519 ${version} - MIT License (c) 2019 Paul Miller (paulmillr.com): /scan/vendor/LICENSE-noble-ed25519.txt. Minified by tasdiq with esbuild. */\n`;
  return banner + out.outputFiles[0].text;
}

const files = {
  'jsqr.js': jsqr(),
  'noble-ed25519.js': noble(),
  'LICENSE-jsqr.txt': readFileSync(here('../node_modules/jsqr/LICENSE'), 'utf8'),
  'LICENSE-noble-ed25519.txt': readFileSync(here('../node_modules/@noble/ed25519/LICENSE'), 'utf8'),
};

let stale = 0;
for (const [name, text] of Object.entries(files)) {
  if (process.argv.includes('--check')) {
    let have = null;
    try {
      have = readFileSync(OUT + name, 'utf8');
    } catch {}
    if (have !== text) {
      console.error(`vendor/${name} is not what tools/vendor.js makes`);
      stale++;
    }
  } else {
    writeFileSync(OUT + name, text);
    console.log(`vendor/${name}: ${Buffer.byteLength(text)} bytes`);
  }
}
process.exit(stale ? 1 : 0);
