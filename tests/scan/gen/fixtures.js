// Makes the fixtures the static test server (server.js) serves and the browser checks read:
// a key set with label keys and a status key, the status list in two phases (phase 2 revokes one
// label by a delta), the verdicts the API answers, label PNGs and the fake camera's video.
// Usage: node gen/fixtures.js DIR [--now RFC3339]. Separate from the checks, which only read
// DIR/manifest.json, so the same checks can run against the real server with its own manifest.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { noteKey, jwk, digest, snapshotText, latestText, deltaText, time, labelCode, tamper } from './notes.js';
import { labelRaster, writePng, readPng, writeY4m } from './images.js';

const seed = (byte) => new Uint8Array(32).fill(byte);
const HOUR = 3600000;
const DAY = 24 * HOUR;
const PREFIX = 'https://tasdiq.example/v/';

export async function makeFixtures(dir, now = Date.now()) {
  mkdirSync(join(dir, 'labels'), { recursive: true });
  const statusKey = await noteKey('scan.test/status', seed(0x07));
  const labelSeed = seed(0x01);
  const stolenSeed = seed(0x02);
  const { getPublicKeyAsync } = await import('@noble/ed25519');
  const created = time(now - 30 * DAY);
  const keys = {
    keys: [
      jwk(await getPublicKeyAsync(labelSeed), { purpose: 'label', created }),
      jwk(await getPublicKeyAsync(stolenSeed), { purpose: 'label', status: 'compromised', created, compromisedSince: time(now - 2 * DAY) }),
      jwk(statusKey.pub, { purpose: 'status', created, vkey: statusKey.vkey }),
    ],
  };

  const lot = { certificate: '4660046874211234567', brand: 12, expiresOn: '2028-11-01' };
  const codes = {
    A: await labelCode(labelSeed, { ...lot, item: 1 }),
    B: await labelCode(labelSeed, { ...lot, item: 2 }),
    R: await labelCode(labelSeed, { certificate: '5859037261947263122', item: 5, brand: 12, expiresOn: '2028-11-01' }),
    S: await labelCode(labelSeed, { certificate: '1234', item: 1, brand: 40, expiresOn: '2028-11-01' }),
    K: await labelCode(stolenSeed, { certificate: '99', item: 1, brand: 12, expiresOn: '2028-11-01' }),
    E: await labelCode(labelSeed, { certificate: '777', item: 3, brand: 12, expiresOn: '2020-01-01' }),
  };
  codes.C = tamper(codes.A);

  const e = (kind, id, status, reason, since) => ({ kind, id, status, reason, since });
  const base = [
    e('brand', '40', 'suspended', 'brand_suspended', time(now - 10 * DAY)),
    e('cert', '42', 'revoked', 'certificate_revoked', time(now - 9 * DAY)),
  ];
  const v1 = { version: 1, created: time(now - 3 * HOUR), entries: base };
  const v2 = { version: 2, created: time(now - 20 * 60000), entries: [...base, e('cert', '5859037261947263122', 'revoked', 'certificate_revoked', time(now - 21 * 60000))] };
  const origin = statusKey.name;
  const latest = async (s, asOf) => {
    const text = snapshotText(origin, s);
    return statusKey.sign(latestText(origin, { version: s.version, digest: digest(text), asOf: time(asOf), freshUntil: time(asOf + 7 * DAY) }));
  };
  const snapshots = { 1: await statusKey.sign(snapshotText(origin, v1)), 2: await statusKey.sign(snapshotText(origin, v2)) };
  const phases = [
    { latest: await latest(v1, now - HOUR), snapshots: { 1: snapshots[1] }, deltas: { 1: await statusKey.sign(deltaText(origin, v1, v1)) } },
    {
      latest: await latest(v2, now - 5 * 60000),
      snapshots,
      deltas: { 1: await statusKey.sign(deltaText(origin, v1, v2)), 2: await statusKey.sign(deltaText(origin, v2, v2)) },
    },
  ];

  const product = { product: "Huile d'argan alimentaire 250 ml", lot: 'L2026-11-A', producer: { name: 'Coopérative Tamount', region: 'souss-massa' } };
  const verdict = (status, reason, cert, item, certificate = product) => ({
    status,
    reason,
    label: { certificate: cert, item, scans: 0, first_scanned_at: null },
    certificate: status === 'counterfeit' ? null : certificate,
    risk: 'none',
    warnings: [],
  });
  const byPhase = (revokedR) => ({
    [codes.A]: verdict('authentic', 'valid', lot.certificate, 1),
    [codes.B]: verdict('authentic', 'valid', lot.certificate, 2),
    [codes.C]: verdict('counterfeit', 'bad_signature', lot.certificate, 1),
    [codes.R]: revokedR ? verdict('revoked', 'certificate_revoked', '5859037261947263122', 5) : verdict('authentic', 'valid', '5859037261947263122', 5),
    [codes.S]: verdict('suspended', 'brand_suspended', '1234', 1),
    [codes.K]: verdict('authentic', 'valid', '99', 1),
    [codes.E]: verdict('expired', 'expired', '777', 3),
  });
  const brands = {
    items: [{ number: 12, code: 'argane', names: { ar: 'أركان', fr: 'Argane', en: 'Argan', zgh: 'ⴰⵔⴳⴰⵏ' } }],
    total: 1,
  };
  const retailerKey = 'tasdiq-test-retailer-key-0001';
  writeFileSync(
    join(dir, 'fixtures.json'),
    JSON.stringify({ keys, phases: phases.map((p, i) => ({ ...p, verdicts: byPhase(i === 1) })), brands, retailerKey }, null, 1),
  );

  const pngs = {};
  for (const [name, code] of Object.entries(codes)) {
    pngs[name] = join(dir, 'labels', `${name}.png`);
    writePng(pngs[name], labelRaster(PREFIX, code));
  }
  // The camera shows the carton's labels one after another, then the first one again.
  const video = join(dir, 'camera.y4m');
  const scene = (name) => ({ raster: readPng(pngs[name]), frames: 10 });
  const blank = { raster: null, frames: 5 };
  writeY4m(video, ['A', 'B', 'C', 'R', 'A'].flatMap((n) => [scene(n), blank]));

  const manifest = {
    prefix: PREFIX,
    video,
    retailer_key: retailerKey,
    location: 'urn:epc:id:sgln:0614141.00777.0',
    labels: {
      authentic: { code: codes.A, certificate: lot.certificate, item: 1 },
      authentic2: { code: codes.B, certificate: lot.certificate, item: 2 },
      counterfeit: { code: codes.C, certificate: lot.certificate, item: 1 },
      to_revoke: { code: codes.R, certificate: '5859037261947263122', item: 5 },
      brand_suspended: { code: codes.S, certificate: '1234', item: 1 },
      key_compromised: { code: codes.K, certificate: '99', item: 1 },
      expired: { code: codes.E, certificate: '777', item: 3 },
    },
    // How the checks revoke `to_revoke` between two syncs; against the real server this is the
    // officer API's revoke route with an officer key.
    revoke: { method: 'POST', path: '/__fixture/phase', headers: { 'Content-Type': 'application/json' }, body: { phase: 2 } },
    fixture_server: true,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  return manifest;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node gen/fixtures.js DIR [--now RFC3339]');
    process.exit(2);
  }
  const i = process.argv.indexOf('--now');
  await makeFixtures(dir, i > 0 ? Date.parse(process.argv[i + 1]) : Date.now());
  console.log(`fixtures in ${dir}`);
}
