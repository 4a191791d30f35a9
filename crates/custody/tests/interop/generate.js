// Writes EPCIS 2.0 documents built with epcis2.js (an implementation independent of ours and of
// the reference hash generator) into the folder given as the first argument, for the custody
// crate's interop test: `node generate.js OUT_DIR`. Deterministic: no clock, no randomness.
'use strict';
const fs = require('fs');
const path = require('path');
const {
  EPCISDocument, ObjectEvent, ReadPoint, BizLocation, BizTransactionElement, SourceElement,
  DestinationElement, cbv, setup,
} = require('epcis2.js');

const out = process.argv[2];
if (!out) {
  console.error('usage: node generate.js OUT_DIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
setup({ EPCISDocumentContext: 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld' });

// Label URLs as tasdiq prints them: the public URL, /v/, 207 digits.
const label = (n) => `https://tasdiq.example.ma/v/${String(n).padStart(7, '0').repeat(30).slice(0, 207)}`;
const shop = (n) => `urn:tasdiq:location:agadir-shop-${n}`;

function event(step, time, labels, options = {}) {
  const e = new ObjectEvent()
    .setEventTime(time)
    .setAction(options.action || cbv.actionTypes.observe)
    .setBizStep(step)
    .addEPCList(labels);
  if (options.disposition) e.setDisposition(options.disposition);
  if (options.readPoint) e.setReadPoint(new ReadPoint().setId(options.readPoint));
  if (options.bizLocation) e.setBizLocation(new BizLocation().setId(options.bizLocation));
  for (const [type, id] of options.bizTransactions || []) {
    e.addBizTransaction(new BizTransactionElement().setType(type).setBizTransaction(id));
  }
  for (const [type, id] of options.sources || []) {
    e.addSource(new SourceElement().setType(type).setSource(id));
  }
  for (const [type, id] of options.destinations || []) {
    e.addDestination(new DestinationElement().setType(type).setDestination(id));
  }
  for (const [k, v] of options.extensions || []) e.addExtension(k, v);
  return e;
}

// `validate` is off only for the document of URN spellings: EPCIS 2.0's JSON schema wants the
// bare or web-vocabulary form, but CBV 2.0 still defines the URNs and senders use them.
function write(name, events, context, validate = true) {
  const doc = new EPCISDocument().setCreationDate('2026-11-05T08:00:00.000Z').setSchemaVersion('2.0');
  if (context) doc.setContext(context);
  for (const e of events) doc.addEvent(e);
  if (validate && !doc.isValid()) throw new Error(`${name}: epcis2.js says the document is invalid`);
  fs.writeFileSync(path.join(out, `${name}.jsonld`), doc.toString());
}

const s = cbv.bizSteps;
const d = cbv.dispositions;

write('epcis2js-custody-chain', [
  event(s.shipping, '2026-11-03T16:45:10.123+01:00', [label(1), label(2), label(3)], {
    disposition: d.in_transit,
    readPoint: 'urn:epc:id:sgln:6111234.00002.0',
    destinations: [[cbv.sourceDestinationTypes.owning_party, 'urn:epc:id:pgln:6111234.00005'],
      [cbv.sourceDestinationTypes.location, 'urn:epc:id:sgln:6111234.00001.0']],
    bizTransactions: [[cbv.businessTransactionTypes.desadv, 'urn:epcglobal:cbv:bt:6111234000053:ASN-1']],
  }),
  event(s.receiving, '2026-11-04T09:02:00+01:00', [label(3), label(1), label(2)], {
    disposition: d.in_progress,
    bizLocation: shop(1),
    sources: [[cbv.sourceDestinationTypes.possessing_party, 'urn:epc:id:pgln:6111234.00009']],
  }),
  event(s.retail_selling, '2026-11-06T19:30:00.9994+01:00', [label(2)], {
    disposition: d.retail_sold,
    bizLocation: shop(1),
  }),
  event(s.destroying, '2026-11-08T10:00:00Z', [label(3)], { disposition: d.destroyed, bizLocation: shop(1) }),
]);

write('epcis2js-urn-spellings', [
  event('urn:epcglobal:cbv:bizstep:receiving', '2026-11-04T09:02:00-03:30', [label(4)], {
    disposition: 'urn:epcglobal:cbv:disp:in_progress',
    readPoint: 'urn:epc:id:sgln:6111234.00001.12',
    bizLocation: 'urn:epc:id:sgln:6111234.00001.0',
  }),
  event('https://ref.gs1.org/cbv/BizStep-shipping', '2026-11-05T09:02:00.5+05:30', [label(4)], {
    disposition: 'https://ref.gs1.org/cbv/Disp-in_transit',
  }),
], undefined, false);

write('epcis2js-extensions', [
  event(s.receiving, '2026-11-04T09:02:00+01:00', [label(5), label(6)], {
    action: cbv.actionTypes.add,
    bizLocation: shop(2),
    extensions: [['tq:deliveryNote', 'BL-2026-118'], ['tq:crates', 3], ['tq:checkedBy', { 'tq:role': 'receiver', 'tq:shift': '2' }]],
  }),
], ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { tq: 'https://tasdiq.example.ma/ns/' }]);
