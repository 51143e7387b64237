package service

import (
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
	seen  map[string]struct{}
	count int
}

func newEmitter(m scanner.Meta, emit scanner.Emit) *emitter {
	return &emitter{m: m, emit: emit, seen: make(map[string]struct{})}
}

// add emits key=value unless the value is blank or was already sent. The
// value is clipped to the key's bound (observe.MaxLen) and made valid UTF-8,
// as JSON output needs.
func (e *emitter) add(key, value string) {
	value = clip(value, observe.MaxLen(key))
	if strings.TrimSpace(value) == "" || e.count >= maxEmits {
		return
	}
	id := key + "\x00" + value
	if _, dup := e.seen[id]; dup {
		return
	}
	e.seen[id] = struct{}{}
	e.count++
	e.emit(e.m.Observe(key, value))
}

// clip bounds a value by the rule every decoder shares (observe.Clip).
func clip(s string, n int) string { return observe.Clip(s, n) }
