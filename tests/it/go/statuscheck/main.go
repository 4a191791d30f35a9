// Command statuscheck is the Go side of tests/it/status_log.rs: Go's golang.org/x/mod/sumdb/note,
// an implementation that is not ours, verifies the signed status list that tasdiq serves with the
// status key published in keys.json; and a delta reader written here from docs/status-list.md §5
// (not from our Rust or JavaScript code) applies the delta from version V to V's snapshot and
// checks that it gives the digest of V+1.
//
// Usage: GO111MODULE=off GOPATH=/usr/share/gocode go run main.go input.json
//
// The input holds the served keys.json, two snapshot notes (V and V+1), the `latest` note and
// the delta note since V. The output says what verified.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

type input struct {
	Keys   string `json:"keys"`
	Base   string `json:"base"`
	Next   string `json:"next"`
	Latest string `json:"latest"`
	Delta  string `json:"delta"`
}

type output struct {
	KeyName       string `json:"key_name"`
	Verified      int    `json:"verified"`
	LatestVersion uint64 `json:"latest_version"`
	LatestDigest  string `json:"latest_digest"`
	NextDigest    string `json:"next_digest"`
	Rebuilt       string `json:"rebuilt_digest"`
	RebuiltSame   bool   `json:"rebuilt_is_next"`
	Changes       int    `json:"changes"`
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "statuscheck:", err)
		os.Exit(1)
	}
}

func fail(format string, args ...any) {
	check(fmt.Errorf(format, args...))
}

// statusVerifier takes the key with purpose "status" from keys.json, and checks that its vkey
// holds the JWK's public key.
func statusVerifier(keysJSON string) (note.Verifier, string) {
	var jwks struct {
		Keys []struct {
			X       string `json:"x"`
			Purpose string `json:"purpose"`
			Status  string `json:"status"`
			Vkey    string `json:"vkey"`
		} `json:"keys"`
	}
	check(json.Unmarshal([]byte(keysJSON), &jwks))
	for _, k := range jwks.Keys {
		if k.Purpose != "status" || k.Status == "compromised" {
			continue
		}
		v, err := note.NewVerifier(k.Vkey)
		check(err)
		// The name and key ID hold no "+"; the base64 key may.
		parts := strings.SplitN(k.Vkey, "+", 3)
		raw, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
		check(err)
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		check(err)
		if len(raw) != 33 || raw[0] != 1 || !bytes.Equal(raw[1:], x) {
			fail("the vkey of %s is not its JWK's key", v.Name())
		}
		return v, v.Name()
	}
	fail("keys.json has no status key")
	return nil, ""
}

func open(msg string, v note.Verifier) string {
	n, err := note.Open([]byte(msg), note.VerifierList(v))
	check(err)
	if len(n.Sigs) == 0 {
		fail("no signature verified")
	}
	return n.Text
}

func lines(body string) []string {
	if !strings.HasSuffix(body, "\n") {
		fail("a body must end in a newline")
	}
	return strings.Split(strings.TrimSuffix(body, "\n"), "\n")
}

func digest(body string) string {
	sum := sha256.Sum256([]byte(body))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func field(line, name string) string {
	if !strings.HasPrefix(line, name+" ") {
		fail("expected %q, got %q", name, line)
	}
	return line[len(name)+1:]
}

func isEntry(line string) bool {
	return strings.HasPrefix(line, "brand ") || strings.HasPrefix(line, "cert ") || strings.HasPrefix(line, "key ")
}

// The canonical order (§3): brand, cert, key lines; within a kind by numeric id.
type sortKey struct {
	kind int
	id   uint64
}

func keyOf(line string) sortKey {
	w := strings.Split(line, " ")
	if len(w) != 5 {
		fail("an entry line has five words: %q", line)
	}
	var kind, base, bits int
	switch w[0] {
	case "brand":
		kind, base, bits = 0, 10, 16
	case "cert":
		kind, base, bits = 1, 10, 64
	case "key":
		kind, base, bits = 2, 16, 32
	}
	id, err := strconv.ParseUint(w[1], base, bits)
	check(err)
	return sortKey{kind, id}
}

// apply follows docs/status-list.md §5, "Applying it".
func apply(name, base, delta string) (string, int) {
	d := lines(delta)
	if d[0] != name+"/v1 delta" {
		fail("delta first line %q", d[0])
	}
	from := strings.Split(field(d[1], "from"), " ")
	to := strings.Split(field(d[2], "to"), " ")
	b := lines(base)
	if b[0] != name+"/v1 snapshot" {
		fail("snapshot first line %q", b[0])
	}
	if field(b[1], "version") != from[0] || digest(base) != from[1] {
		fail("the delta's from does not name the held snapshot")
	}
	entries := map[sortKey]string{}
	for _, l := range b[1:] {
		if isEntry(l) {
			entries[keyOf(l)] = l
		}
	}
	var header []string
	changes := 0
	for _, l := range d[3:] {
		switch {
		case strings.HasPrefix(l, "= "):
			header = append(header, l[2:])
		case strings.HasPrefix(l, "- "):
			k := keyOf(l[2:])
			if entries[k] != l[2:] {
				fail("removes a line the base does not hold: %q", l)
			}
			delete(entries, k)
			changes++
		case strings.HasPrefix(l, "+ "):
			k := keyOf(l[2:])
			if _, ok := entries[k]; ok {
				fail("adds an id the base holds: %q", l)
			}
			entries[k] = l[2:]
			changes++
		default:
			fail("unknown delta line %q", l)
		}
	}
	if len(header) == 0 || header[0] != "version "+to[0] {
		fail("the first = line must be the target version")
	}
	keys := make([]sortKey, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].kind != keys[j].kind {
			return keys[i].kind < keys[j].kind
		}
		return keys[i].id < keys[j].id
	})
	var out strings.Builder
	out.WriteString(name + "/v1 snapshot\n")
	for _, h := range header {
		out.WriteString(h + "\n")
	}
	for _, k := range keys {
		out.WriteString(entries[k] + "\n")
	}
	rebuilt := out.String()
	if digest(rebuilt) != to[1] {
		fail("the rebuilt body's digest is not the delta's target")
	}
	return rebuilt, changes
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	check(err)
	var in input
	check(json.Unmarshal(raw, &in))
	v, name := statusVerifier(in.Keys)
	out := output{KeyName: name}
	base := open(in.Base, v)
	next := open(in.Next, v)
	latest := open(in.Latest, v)
	delta := open(in.Delta, v)
	out.Verified = 4
	l := lines(latest)
	if l[0] != name+"/v1 latest" {
		fail("latest first line %q", l[0])
	}
	out.LatestVersion, err = strconv.ParseUint(field(l[1], "version"), 10, 53)
	check(err)
	out.LatestDigest = field(l[2], "digest")
	out.NextDigest = digest(next)
	rebuilt, changes := apply(name, base, delta)
	out.Rebuilt = digest(rebuilt)
	out.RebuiltSame = rebuilt == next
	out.Changes = changes
	enc, err := json.Marshal(out)
	check(err)
	fmt.Println(string(enc))
}
