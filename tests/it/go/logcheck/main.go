// Command logcheck is the Go side of tests/it/translog.rs: Go's golang.org/x/mod/sumdb/note
// and sumdb/tlog, an implementation that is not ours, check what tasdiq serves at /log/.
//
// Usage: GO111MODULE=off GOPATH=/usr/share/gocode go run main.go input.json
//
// The input holds the published log vkey, the served checkpoint, every served tile (by its
// C2SP path), every entry bundle and a served tlog-proof's index, path and checkpoint. Go's
// tiles are the C2SP ones under other paths: tile/8/<L>/<N> is our tile/<L>/<N>.
package main

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	Vkey       string            `json:"vkey"`
	Checkpoint string            `json:"checkpoint"`
	Tiles      map[string]string `json:"tiles"`
	Bundles    []string          `json:"bundles"`
	ProofIndex int64             `json:"proof_index"`
	ProofPath  []string          `json:"proof_path"`
	ProofNote  string            `json:"proof_note"`
}

type output struct {
	Size        int64  `json:"size"`
	RootMatches bool   `json:"root_matches"`
	Entries     int64  `json:"entries"`
	OurProof    string `json:"our_proof"`
	ProofNote   string `json:"proof_note"`
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "logcheck:", err)
		os.Exit(1)
	}
}

type served map[string]string

func (s served) Height() int { return 8 }

func (s served) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		path := strings.Replace(t.Path(), "tile/8/", "tile/", 1)
		b64, ok := s[path]
		if !ok {
			return nil, fmt.Errorf("tile %s was not served", path)
		}
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (s served) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	check(err)
	var in input
	check(json.Unmarshal(raw, &in))
	verifier, err := note.NewVerifier(in.Vkey)
	check(err)
	known := note.VerifierList(verifier)
	n, err := note.Open([]byte(in.Checkpoint), known)
	check(err)
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		check(fmt.Errorf("a checkpoint has three lines"))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	check(err)
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	check(err)
	var root tlog.Hash
	copy(root[:], rootBytes)
	tree := tlog.Tree{N: size, Hash: root}
	hr := tlog.TileHashReader(tree, served(in.Tiles))
	th, err := tlog.TreeHash(size, hr)
	check(err)
	out := output{Size: size, RootMatches: th == root}

	var entries [][]byte
	for _, b64 := range in.Bundles {
		data, err := base64.StdEncoding.DecodeString(b64)
		check(err)
		for len(data) > 0 {
			if len(data) < 2 {
				check(fmt.Errorf("a bundle is cut short"))
			}
			l := int(binary.BigEndian.Uint16(data))
			if len(data) < 2+l {
				check(fmt.Errorf("an entry is cut short"))
			}
			entries = append(entries, data[2:2+l])
			data = data[2+l:]
		}
	}
	for i, e := range entries {
		p, err := tlog.ProveRecord(size, int64(i), hr)
		check(err)
		check(tlog.CheckRecord(p, size, root, int64(i), tlog.RecordHash(e)))
		out.Entries++
	}

	var ours tlog.RecordProof
	for _, s := range in.ProofPath {
		b, err := base64.StdEncoding.DecodeString(s)
		check(err)
		var h tlog.Hash
		copy(h[:], b)
		ours = append(ours, h)
	}
	out.OurProof = "ok"
	if in.ProofIndex >= int64(len(entries)) {
		out.OurProof = "index past the entries"
	} else if err := tlog.CheckRecord(ours, size, root, in.ProofIndex, tlog.RecordHash(entries[in.ProofIndex])); err != nil {
		out.OurProof = err.Error()
	}
	out.ProofNote = "ok"
	if _, err := note.Open([]byte(in.ProofNote), known); err != nil {
		out.ProofNote = err.Error()
	}
	check(json.NewEncoder(os.Stdout).Encode(out))
}
