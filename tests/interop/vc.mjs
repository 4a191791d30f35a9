// Verifies credentials with the Digital Bazaar stack, as an outside integrator would:
// `vc.verifyCredential` (eddsa-jcs-2022, did:key), `jsonld.expand` in safe mode, and the
// Bitstring Status List check of `@digitalbazaar/vc-bitstring-status-list`.
//
// Usage: node vc.mjs INPUT.json, where INPUT holds
//   {"contexts": {URL: PATH}, "live_prefix": URL?, "credentials": {NAME: VC}}
// The document loader is offline: VC, DID, Data Integrity and Multikey contexts come from
// their npm packages, ours from the repository file under each URL of `contexts`, and did:key
// documents from the did:key driver. Only URLs under `live_prefix` (the status lists of the
// server under test) are fetched over HTTP; a credential whose lists are elsewhere (a
// published vector) is verified with its status left unchecked.
// Prints {NAME: {verified, error, expanded, expand_error, statuses, status_error}} as JSON.

import {readFileSync} from 'node:fs';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import {contexts as credentialContexts} from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';
import jsonld from 'jsonld';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const loader = new JsonLdDocumentLoader();
for(const contexts of [
  credentialContexts, dataIntegrityContext.contexts, multikeyContext.contexts,
  didContext.contexts
]) {
  for(const [url, doc] of contexts) {
    loader.addStatic(url, doc);
  }
}
for(const [url, file] of Object.entries(input.contexts)) {
  loader.addStatic(url, JSON.parse(readFileSync(file, 'utf8')));
}
const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
loader.setDidResolver(didKey);
const offline = loader.build();

async function documentLoader(url) {
  if(input.live_prefix && url.startsWith(input.live_prefix)) {
    const res = await fetch(url);
    if(!res.ok) {
      throw new Error(`${url}: HTTP ${res.status}`);
    }
    return {contextUrl: null, documentUrl: url, document: await res.json()};
  }
  return offline(url);
}

const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});

function message(error) {
  if(!error) {
    return null;
  }
  const errors = Array.isArray(error) ? error : [error];
  return errors.map(e => [e.message, ...(e.errors || []).map(x => x.message)]
    .filter(Boolean).join(': ')).join('; ');
}

const out = {};
for(const [name, credential] of Object.entries(input.credentials)) {
  const r = {};
  // With the server to ask, the status lists are checked (their own proofs verified too) as
  // part of verification; otherwise status is left unchecked.
  const statuses = [credential.credentialStatus || []].flat();
  const live = input.live_prefix && statuses.length > 0 && statuses.every(
    s => s.statusListCredential?.startsWith(input.live_prefix));
  const result = await vc.verifyCredential({
    credential: structuredClone(credential), suite, documentLoader,
    checkStatus: live ?
      ({credential}) => checkStatus({credential, documentLoader, suite}) :
      async () => ({verified: true})
  });
  r.verified = result.verified === true;
  r.error = r.verified ? null : message(result.error ||
    result.results?.map(x => x.error).filter(Boolean));
  try {
    await jsonld.expand(structuredClone(credential), {documentLoader, safe: true});
    r.expanded = true;
  } catch(e) {
    r.expanded = false;
    r.expand_error = `${e.name}: ${e.message} ${JSON.stringify(e.details || {})}`;
  }
  if(live) {
    const status = await checkStatus({credential, documentLoader, suite});
    if(status.verified) {
      r.statuses = Object.fromEntries(status.results.map(
        x => [x.credentialStatus.statusPurpose, x.status]));
    } else {
      r.status_error = message(status.error ||
        status.results?.map(x => x.error).filter(Boolean));
    }
  }
  out[name] = r;
}
process.stdout.write(JSON.stringify(out) + '\n');
