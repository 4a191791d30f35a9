// Command xcheck is the Go side of tasdiq-tlog's cross-check (tests/go_crosscheck.rs): it runs
// golang.org/x/mod/sumdb/tlog and sumdb/note, an implementation that is not ours, on the inputs
// the Rust test writes, and prints what they say as JSON.
//
// Usage: GO111MODULE=off GOPATH=/usr/share/gocode go run main.go input.json
//
// Entries are "tasdiq xcheck entry <i>\n" for i in [0, leaf_count), on both sides.
package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type proofCase struct {
	A     int64    `json:"a"` // record index, or old size
	B     int64    `json:"b"` // tree size, or new size
	Proof []string `json:"proof"`
}

type noteCase struct {
	Vkeys []string `json:"vkeys"`
	Note  string   `json:"note"`
}

type input struct {
	LeafCount   int64       `json:"leaf_count"`
	Sizes       []int64     `json:"sizes"`
	Inclusion   []proofCase `json:"inclusion"`
	Consistency []proofCase `json:"consistency"`
	TileSteps   [][2]int64  `json:"tile_steps"`
	Notes       []noteCase  `json:"notes"`
	Skey        string      `json:"skey"`
	SignText    string      `json:"sign_text"`
}

type proofOut struct {
	Proof     []string `json:"proof"`
	CheckOurs string   `json:"check_ours"`
}

type tileOut struct {
	Step   int    `json:"step"`
	Path   string `json:"path"`
	L      int    `json:"l"`
	N      int64  `json:"n"`
	W      int    `json:"w"`
	Sha256 string `json:"sha256"`
}

type output struct {
	TreeHashes  []string   `json:"tree_hashes"`
	Inclusion   []proofOut `json:"inclusion"`
	Consistency []proofOut `json:"consistency"`
	Tiles       []tileOut  `json:"tiles"`
	Notes       []string   `json:"notes"`
	SignedByUs  string     `json:"signed_with_our_key"`
	GoSkey      string     `json:"go_skey"`
	GoVkey      string     `json:"go_vkey"`
	GoNote      string     `json:"go_note"`
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "xcheck:", err)
		os.Exit(1)
	}
}

func b64(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

func unb64(ss []string) []tlog.Hash {
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		b, err := base64.StdEncoding.DecodeString(s)
		check(err)
		copy(out[i][:], b)
	}
	return out
}

func status(err error) string {
	if err != nil {
		return err.Error()
	}
	return "ok"
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	check(err)
	var in input
	check(json.Unmarshal(raw, &in))
	var out output

	// The whole tree in Go's stored-hash layout.
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		hs := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x >= int64(len(stored)) {
				return nil, fmt.Errorf("no stored hash %d", x)
			}
			hs[i] = stored[x]
		}
		return hs, nil
	})
	for i := int64(0); i < in.LeafCount; i++ {
		hs, err := tlog.StoredHashes(i, []byte(fmt.Sprintf("tasdiq xcheck entry %d\n", i)), reader)
		check(err)
		stored = append(stored, hs...)
	}

	for _, s := range in.Sizes {
		h, err := tlog.TreeHash(s, reader)
		check(err)
		out.TreeHashes = append(out.TreeHashes, base64.StdEncoding.EncodeToString(h[:]))
	}
	for _, c := range in.Inclusion {
		p, err := tlog.ProveRecord(c.B, c.A, reader)
		check(err)
		th, _ := tlog.TreeHash(c.B, reader)
		leaf := tlog.RecordHash([]byte(fmt.Sprintf("tasdiq xcheck entry %d\n", c.A)))
		ours := tlog.RecordProof(unb64(c.Proof))
		out.Inclusion = append(out.Inclusion, proofOut{b64(p), status(tlog.CheckRecord(ours, c.B, th, c.A, leaf))})
	}
	for _, c := range in.Consistency {
		p, err := tlog.ProveTree(c.B, c.A, reader)
		check(err)
		newH, _ := tlog.TreeHash(c.B, reader)
		oldH, _ := tlog.TreeHash(c.A, reader)
		ours := tlog.TreeProof(unb64(c.Proof))
		out.Consistency = append(out.Consistency, proofOut{b64(p), status(tlog.CheckTree(ours, c.B, newH, c.A, oldH))})
	}
	for step, s := range in.TileSteps {
		for _, t := range tlog.NewTiles(8, s[0], s[1]) {
			data, err := tlog.ReadTileData(t, reader)
			check(err)
			sum := sha256.Sum256(data)
			out.Tiles = append(out.Tiles, tileOut{step, t.Path(), t.L, t.N, t.W, hex.EncodeToString(sum[:])})
		}
	}

	for _, c := range in.Notes {
		var vs []note.Verifier
		for _, k := range c.Vkeys {
			v, err := note.NewVerifier(k)
			check(err)
			vs = append(vs, v)
		}
		n, err := note.Open([]byte(c.Note), note.VerifierList(vs...))
		if err == nil {
			err = nil
			out.Notes = append(out.Notes, fmt.Sprintf("ok %d verified %d unverified", len(n.Sigs), len(n.UnverifiedSigs)))
		} else {
			out.Notes = append(out.Notes, "error: "+err.Error())
		}
	}

	signer, err := note.NewSigner(in.Skey)
	check(err)
	msg, err := note.Sign(&note.Note{Text: in.SignText}, signer)
	check(err)
	out.SignedByUs = string(msg)

	skey, vkey, err := note.GenerateKey(rand.Reader, "go.example/xcheck")
	check(err)
	goSigner, err := note.NewSigner(skey)
	check(err)
	msg, err = note.Sign(&note.Note{Text: strings.Repeat("signed in Go\n", 2)}, goSigner)
	check(err)
	out.GoSkey, out.GoVkey, out.GoNote = skey, vkey, string(msg)

	enc := json.NewEncoder(os.Stdout)
	check(enc.Encode(out))
}
