// Writes one EPCIS 2.0 document built with epcis2.js for the service's custody test
// (tests/it/events.rs): `node service-document.js OUT_FILE LOCATION LABEL_URL...`. The labels
// are shipped (read at a producer's SGLN), received at LOCATION, and the first is sold there.
// Deterministic: no clock, no randomness.
'use strict';
const fs = require('fs');
const { EPCISDocument, ObjectEvent, ReadPoint, BizLocation, DestinationElement, cbv, setup } =
  require('epcis2.js');

const [out, location, ...labels] = process.argv.slice(2);
if (!out || !location || labels.length === 0) {
  console.error('usage: node service-document.js OUT_FILE LOCATION LABEL_URL...');
  process.exit(2);
}
setup({ EPCISDocumentContext: 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld' });
const s = cbv.bizSteps;
const d = cbv.dispositions;

const shipping = new ObjectEvent()
  .setEventTime('2026-11-20T08:15:00.250+01:00')
  .setAction(cbv.actionTypes.observe)
  .setBizStep(s.shipping)
  .setDisposition(d.in_transit)
  .setReadPoint(new ReadPoint().setId('urn:epc:id:sgln:6111234.00002.0'))
  .addDestination(new DestinationElement()
    .setType(cbv.sourceDestinationTypes.location).setDestination(location))
  .addEPCList(labels);
const receiving = new ObjectEvent()
  .setEventTime('2026-11-21T10:02:00+01:00')
  .setAction(cbv.actionTypes.observe)
  .setBizStep(s.receiving)
  .setDisposition(d.in_progress)
  .setBizLocation(new BizLocation().setId(location))
  .addEPCList([...labels].reverse());
const selling = new ObjectEvent()
  .setEventTime('2026-11-23T18:40:00.5+01:00')
  .setAction(cbv.actionTypes.observe)
  .setBizStep(s.retail_selling)
  .setDisposition(d.retail_sold)
  .setBizLocation(new BizLocation().setId(location))
  .addEPCList([labels[0]]);

const doc = new EPCISDocument().setCreationDate('2026-11-23T19:00:00.000Z').setSchemaVersion('2.0');
for (const e of [shipping, receiving, selling]) doc.addEvent(e);
if (!doc.isValid()) throw new Error('epcis2.js says the document is invalid');
fs.writeFileSync(out, doc.toString());
