// Package oui maps MAC addresses to the organisations the IEEE registered their
// blocks to, with true longest-prefix matching over MA-S (36-bit), MA-M (28-bit)
// and MA-L (24-bit) assignments.
//
// The registry ships embedded (registry.txt.gz, generated from the oui-data
// snapshot by internal/mkregistry) and can be replaced offline from the IEEE's
// own CSV files with LoadCSVDir + WriteOverride.
package oui

//go:generate go run ./internal/mkregistry -in source/oui-data-2.1.9.json.gz -date 2026-08-26 -source "oui-data 2.1.9 (npm), IEEE RA MA-L/MA-M/MA-S" -out registry.txt.gz

import (
	"fmt"
	"strings"
)

// Entry is one registered block.
type Entry struct {
	Prefix  string // upper-case hex digits of the block: 6, 7 or 9 of them
	Bits    int    // 24 (MA-L), 28 (MA-M) or 36 (MA-S/IAB)
	Org     string // registrant name as the IEEE lists it
	Country string // last line of the registrant address, when the source has it
}

// Registry is an immutable, concurrency-safe block table.
type Registry struct {
	date    string // date of the source snapshot, YYYY-MM-DD
	source  string // what the table was built from
	entries []Entry
	by24    map[uint32]int32
	by28    map[uint32]int32
	by36    map[uint64]int32
}

// Date is the snapshot date of the registry data, for reports.
func (r *Registry) Date() string { return r.date }

// Source says what the registry was built from.
func (r *Registry) Source() string { return r.source }

// Len is the number of blocks in the registry.
func (r *Registry) Len() int { return len(r.entries) }

// Lookup returns the most specific block holding mac. Multicast and locally
// administered addresses are never looked up: their first bytes name no maker.
func (r *Registry) Lookup(mac [6]byte) (Entry, bool) {
	if Special(mac) != "" {
		return Entry{}, false
	}
	v := uint64(mac[0])<<40 | uint64(mac[1])<<32 | uint64(mac[2])<<24 | uint64(mac[3])<<16 | uint64(mac[4])<<8 | uint64(mac[5])
	if i, ok := r.by36[v>>12]; ok {
		return r.entries[i], true
	}
	if i, ok := r.by28[uint32(v>>20)]; ok {
		return r.entries[i], true
	}
	if i, ok := r.by24[uint32(v>>24)]; ok {
		return r.entries[i], true
	}
	return Entry{}, false
}

// Special explains a MAC whose prefix must not be looked up, or returns "".
func Special(mac [6]byte) string {
	switch {
	case mac == [6]byte{}:
		return "unknown (all zeros)"
	case mac[0]&1 == 1:
		return "multicast or broadcast address"
	case mac[0]&2 == 2:
		return "locally administered (randomized or self-assigned)"
	}
	return ""
}

// builder accumulates blocks and rejects what cannot be a block.
type builder struct {
	r *Registry
}

func newBuilder(date, source string) *builder { return newBuilderSized(date, source, 0) }

// newBuilderSized is newBuilder for about n blocks, most of them MA-L.
func newBuilderSized(date, source string, n int) *builder {
	return &builder{r: &Registry{
		date: date, source: source,
		entries: make([]Entry, 0, n),
		by24:    make(map[uint32]int32, n*3/5), by28: make(map[uint32]int32, n/5), by36: make(map[uint64]int32, n/5),
	}}
}

// add registers one block given as 6, 7 or 9 hex digits.
func (b *builder) add(prefix, org, country string) error {
	prefix = strings.ToUpper(strings.TrimSpace(prefix))
	var v uint64
	for _, c := range prefix {
		d := strings.IndexRune("0123456789ABCDEF", c)
		if d < 0 {
			return fmt.Errorf("assignment %q is not hex", prefix)
		}
		v = v<<4 | uint64(d)
	}
	org = strings.TrimSpace(org)
	if org == "" {
		return fmt.Errorf("assignment %s has no organisation name", prefix)
	}
	idx := int32(len(b.r.entries))
	e := Entry{Prefix: prefix, Org: org, Country: strings.TrimSpace(country)}
	switch len(prefix) {
	case 6:
		e.Bits = 24
		b.r.by24[uint32(v)] = idx
	case 7:
		e.Bits = 28
		b.r.by28[uint32(v)] = idx
	case 9:
		e.Bits = 36
		b.r.by36[v] = idx
	default:
		return fmt.Errorf("assignment %q has %d hex digits, want 6, 7 or 9", prefix, len(prefix))
	}
	b.r.entries = append(b.r.entries, e)
	return nil
}
