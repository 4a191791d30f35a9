"""Prints, as one JSON object, the reference EPCIS event hashes and pre-hash strings of each
file given: {"path": {"hashes": [...], "prehashes": [...]}}. Runs epcis-event-hash-generator
(pinned in scripts/test) on each file with a clean namespace table: the package keeps prefixes
in a module-level dict that would otherwise carry over from one file to the next."""
import json
import sys

from epcis_event_hash_generator import events_from_file_reader, hash_generator, json_to_py

out = {}
for path in sys.argv[1:]:
    json_to_py._namespaces.clear()
    events = events_from_file_reader.event_list_from_file(path, "JSON")
    prehashes = hash_generator.derive_prehashes_from_events(events)
    out[path] = {
        "hashes": hash_generator.calculate_hashes_from_pre_hashes(prehashes),
        "prehashes": prehashes,
        "events": len(events[2]),
    }
print(json.dumps(out))
