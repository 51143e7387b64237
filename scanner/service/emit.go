package service

import (
	"slices"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

const (
	// maxValueBytes bounds every observation value (docs/observation-keys.md).
	maxValueBytes = observe.MaxValueLen
	// maxBodyTextBytes bounds http.body (observe.MaxBodyLen): enough of a
	// login page to reach the scripts and footer that name its maker.
	maxBodyTextBytes = observe.MaxBodyLen
	// maxMessages bounds how many requests or responses one connection yields,
	// so a hostile peer cannot make a flow cost more than a few hundred lines.
	maxMessages = 64
	// maxHeaders bounds the header lines kept per message.
	maxHeaders = 128
	// maxEmits bounds the observations one connection yields.
	maxEmits = 512
)

// emitter sends observations about the server once each: keep-alive
// connections repeat the same Server header in every response, and the
// engine gains nothing from hearing it twice.
type emitter struct {
	m     scanner.Meta
	emit  scanner.Emit
	sent  []keyValue            // what was sent, while few: a scan beats hashing
	first [16]keyValue          // sent's first backing array, allocated with the emitter
	seen  map[keyValue]struct{} // what was sent, once many
	count int
}

type keyValue struct{ key, value string }

// emitterScanMax is how many sent pairs are scanned before a map takes
// over; a connection usually yields a dozen.
const emitterScanMax = 32

func newEmitter(m scanner.Meta, emit scanner.Emit) *emitter {
	e := &emitter{m: m, emit: emit}
	e.sent = e.first[:0]
	return e
}

// add emits key=value unless the value is blank or was already sent. The
// value is clipped to the key's bound (observe.MaxLen) and made valid UTF-8,
// as JSON output needs.
func (e *emitter) add(key, value string) {
	value = clip(value, observe.MaxLen(key))
	if strings.TrimSpace(value) == "" || e.count >= maxEmits || e.sentBefore(keyValue{key, value}) {
		return
	}
	e.count++
	e.emit(e.m.Observe(key, value))
}

// sentBefore reports whether kv was sent already, and remembers it if not.
func (e *emitter) sentBefore(kv keyValue) bool {
	if e.seen == nil {
		if slices.Contains(e.sent, kv) {
			return true
		}
		if len(e.sent) < emitterScanMax {
			e.sent = append(e.sent, kv)
			return false
		}
		e.seen = make(map[keyValue]struct{}, 2*emitterScanMax)
		for _, s := range e.sent {
			e.seen[s] = struct{}{}
		}
	}
	if _, dup := e.seen[kv]; dup {
		return true
	}
	e.seen[kv] = struct{}{}
	return false
}

// clip bounds a value by the rule every decoder shares (observe.Clip).
func clip(s string, n int) string { return observe.Clip(s, n) }
