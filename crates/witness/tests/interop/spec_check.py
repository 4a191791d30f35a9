"""An independent client and verifier for a tlog witness, written from the C2SP texts only
(signed-note, tlog-checkpoint, tlog-cosignature, tlog-witness; RFC 6962 for the tree), with
pyca/cryptography (OpenSSL) for Ed25519. It shares no code with tasdiq.

    python spec_check.py WITNESS_URL ORIGIN LOG_SEED_HEX

It plays a log of its own entries (signing checkpoints with the log key made from the seed,
computing trees and consistency proofs itself), drives the witness through every answer the
specification defines, and verifies each cosignature the witness returns. Prints one line per
check and exits non-zero on the first failure.
"""

import base64
import hashlib
import json
import sys
import time
import urllib.error
import urllib.request

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

EM_DASH = "\u2014"


def sha256(b):
    return hashlib.sha256(b).digest()


def b64(b):
    return base64.b64encode(b).decode("ascii")


# RFC 6962 section 2.1: MTH, and 2.1.2: PROOF / SUBPROOF.
def leaf_hash(entry):
    return sha256(b"\x00" + entry)


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def subproof(m, leaves, b):
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def consistency(m, leaves):
    return subproof(m, leaves, True) if 0 < m < len(leaves) else []


class Log:
    """A log: entries, and an Ed25519 note key named after the origin (type 0x01)."""

    def __init__(self, origin, seed, entries):
        self.origin = origin
        self.key = Ed25519PrivateKey.from_private_bytes(seed)
        pub = self.key.public_key().public_bytes_raw()
        self.key_id = sha256(origin.encode() + b"\n\x01" + pub)[:4]
        self.leaves = [leaf_hash(e) for e in entries]

    def text(self, n):
        return f"{self.origin}\n{n}\n{b64(mth(self.leaves[:n]))}\n"

    def checkpoint(self, n):
        text = self.text(n)
        sig = self.key_id + self.key.sign(text.encode())
        return f"{text}\n{EM_DASH} {self.origin} {b64(sig)}\n"

    def body(self, old, n, proof=None):
        if proof is None:
            proof = consistency(old, self.leaves[:n])
        lines = [f"old {old}"] + [b64(h) for h in proof] + [""]
        return ("\n".join(lines) + "\n" + self.checkpoint(n)).encode()


def parse_vkey(vkey):
    """signed-note "Verifier keys", with tlog-cosignature's Ed25519 type 0x04."""
    name, key_id, key = vkey.split("+", 2)
    raw = base64.b64decode(key, validate=True)
    assert raw[0] == 0x04, f"witness key type {raw[0]:#x}, expected 0x04"
    assert len(raw) == 33, "an Ed25519 public key is 32 bytes"
    expected = sha256(name.encode() + b"\n" + raw)[:4]
    assert expected.hex() == key_id, "the vkey's key ID is not SHA-256(name||LF||0x04||key)[:4]"
    return name, expected, Ed25519PublicKey.from_public_bytes(raw[1:])


def verify_cosignature(line, witness, text):
    """tlog-cosignature "Format" and "Ed25519 signed message"; returns the timestamp."""
    name, key_id, pub = witness
    assert line.startswith(EM_DASH + " "), f"not a signature line: {line!r}"
    got_name, sig = line[2:].split(" ")
    assert got_name == name, f"signed by {got_name}, expected {name}"
    raw = base64.b64decode(sig, validate=True)
    assert len(raw) == 4 + 8 + 64, f"a timestamped Ed25519 signature is 76 bytes, got {len(raw)}"
    assert raw[:4] == key_id, "wrong key ID"
    ts = int.from_bytes(raw[4:12], "big")
    assert 0 < ts < 2**63, f"timestamp {ts}"
    assert abs(ts - time.time()) < 600, f"timestamp {ts} is not now"
    message = f"cosignature/v1\ntime {ts}\n{text}".encode()
    pub.verify(raw[12:], message)  # raises InvalidSignature
    return ts


def request(url, body=None):
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.headers.get("Content-Type", ""), res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


def main():
    url, origin, seed = sys.argv[1].rstrip("/"), sys.argv[2], bytes.fromhex(sys.argv[3])
    checks = 0

    def ok(what, **facts):
        nonlocal checks
        checks += 1
        print(json.dumps({"ok": what, **facts}))

    status, _, vkey = request(url + "/")
    assert status == 200, f"GET / answered {status}"
    witness = parse_vkey(vkey.strip())
    ok("vkey", vkey=vkey.strip())

    entries = [f"spec-check entry {i}\n".encode() for i in range(45)]
    log = Log(origin, seed, entries)
    add = url + "/add-checkpoint"
    old = 0
    for n in [1, 3, 4, 8, 13, 16, 17, 40, 40]:
        status, ctype, body = request(add, log.body(old, n))
        assert status == 200, f"{old} -> {n}: {status} {body}"
        assert ctype.startswith("text/plain"), ctype
        lines = body.split("\n")
        assert lines[-1] == "" and len(lines) >= 2, f"signature lines end in a newline: {body!r}"
        ts = verify_cosignature(lines[0], witness, log.text(n))
        ok("cosigned", old=old, size=n, timestamp=ts)
        old = n

    status, ctype, body = request(add, log.body(8, 40))
    assert (status, body) == (409, "40\n"), f"stale old size: {status} {body!r}"
    assert ctype == "text/x.tlog.size", ctype
    ok("409 with the witness's size")

    forked = Log(origin, seed, entries[:5] + [b"forged entry\n"] + entries[6:])
    status, _, body = request(add, forked.body(40, 45))
    assert status == 422, f"fork: {status} {body}"
    status, _, body = request(add, forked.body(40, 40))
    assert status == 422, f"same size, other root: {status} {body}"
    status, _, body = request(add, log.body(40, 45, consistency(40, log.leaves[:45])[1:]))
    assert status == 422, f"short proof: {status} {body}"
    ok("422 on forks and bad proofs")

    tampered = bytearray(log.body(40, 45))
    tampered[-10] = ord("A") if tampered[-10] != ord("A") else ord("B")
    status, _, body = request(add, bytes(tampered))
    assert status == 403, f"bad log signature: {status} {body}"
    ok("403 on a bad log signature")

    stranger = Log(origin + "-other", seed, entries)
    status, _, _ = request(add, stranger.body(0, 3))
    assert status == 404, f"unknown origin: {status}"
    status, _, _ = request(add, log.body(46, 45, []))
    assert status == 400, f"old above size: {status}"
    ok("404 unknown origin, 400 old size above the checkpoint's")

    status, _, note = request(add, log.body(40, 45))
    assert status == 200, status
    origin_hash = hashlib.sha256(origin.encode()).hexdigest()
    status, _, stored = request(f"{url}/{origin_hash}/checkpoint")
    assert status == 200, f"monitoring path: {status}"
    text, sigs = stored.split("\n\n", 1)
    assert text + "\n" == log.text(45), "the monitoring path serves the latest checkpoint"
    lines = [line for line in sigs.split("\n") if line]
    log_line = f"{EM_DASH} {origin} "
    assert any(line.startswith(log_line) for line in lines), "with the log's signature"
    cosigs = [line for line in lines if line.startswith(f"{EM_DASH} {witness[0]} ")]
    assert cosigs, "and the witness's cosignature"
    verify_cosignature(cosigs[0], witness, log.text(45))
    ok("monitoring path")

    print(f"{checks} passed, 0 failed")


if __name__ == "__main__":
    main()
