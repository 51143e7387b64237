package service

import (
	"encoding/hex"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

var errNoServerBytes = errors.New("service: the server sent nothing")

// maxBannerBytes is how much of a banner tcp.banner_hex keeps.
const maxBannerBytes = 64

// DecodeBanner emits tcp.banner_hex: the first bytes the server sent, which
// for a server-first protocol is its greeting and otherwise its answer to a
// protocol this package does not decode.
//
// A capture's decoder is chosen on a flow's first bytes (Detect): a greeting
// that came in pieces may show its login prompt only later. When the whole
// greeting the server sent asks for a login, it is telnet's, as Detect says
// of one seen whole, and is read as DecodeTelnet reads it.
func DecodeBanner(client, server []byte, m scanner.Meta, emit scanner.Emit) error {
	if asksForLogin(client, server) {
		return DecodeTelnet(client, server, m, emit)
	}
	return emitBanner(server, m, emit)
}

// emitBanner emits tcp.banner_hex.
func emitBanner(server []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(server) == 0 {
		return errNoServerBytes
	}
	newEmitter(m, emit).add("tcp.banner_hex", hex.EncodeToString(server[:min(len(server), maxBannerBytes)]))
	return nil
}

// DecodeTelnet emits tcp.banner_hex and telnet.banner: the server's text
// with telnet option negotiation and terminal control sequences removed.
func DecodeTelnet(client, server []byte, m scanner.Meta, emit scanner.Emit) error {
	if err := emitBanner(server, m, emit); err != nil {
		return err
	}
	newEmitter(m, emit).add("telnet.banner", untilPrompt(telnetText(server)))
	return nil
}

// credentialPrompts end a telnet banner. Captured sessions go on past them
// with the echoed user name and the shell's output, which are neither the
// server's greeting nor anything a report should carry.
var credentialPrompts = []string{"login:", "username:", "user name:", "password:"}

// maxTelnetBanner bounds telnet.banner below the general value limit: a
// greeting is a few lines.
const maxTelnetBanner = 1 << 10

// untilPrompt cuts text after the first credential prompt.
func untilPrompt(text string) string {
	lower := observe.ASCIILower(text) // same length as text, unlike strings.ToLower
	end := len(text)
	for _, prompt := range credentialPrompts {
		if i := strings.Index(lower, prompt); i >= 0 && i+len(prompt) < end {
			end = i + len(prompt)
		}
	}
	return clip(text[:end], maxTelnetBanner)
}

// Telnet command bytes (RFC 854).
const (
	iac  = 255
	sb   = 250
	se   = 240
	will = 251
	dont = 254
	esc  = 0x1b
)

// telnetText removes IAC commands and subnegotiations, ANSI/VT100 escape
// sequences and other control bytes, normalises line ends to \n and trims.
func telnetText(b []byte) string {
	var out strings.Builder
	for len(b) > 0 && out.Len() < maxValueBytes {
		switch c := b[0]; {
		case c == iac:
			b = skipTelnetCommand(b)
		case c == esc:
			b = skipEscape(b)
		case c == '\n' || c == '\t':
			out.WriteByte(c)
			b = b[1:]
		case c < 0x20 || c == 0x7f:
			b = b[1:] // CR, NUL, bells and the like
		default:
			r, n := utf8.DecodeRune(b)
			if r == utf8.RuneError && n == 1 {
				r = rune(c) // old firmware writes Latin-1
			}
			out.WriteRune(r)
			b = b[n:]
		}
	}
	return strings.TrimSpace(out.String())
}

// skipTelnetCommand drops one command starting at IAC.
func skipTelnetCommand(b []byte) []byte {
	if len(b) < 2 {
		return nil
	}
	switch cmd := b[1]; {
	case cmd >= will && cmd <= dont:
		return b[min(3, len(b)):]
	case cmd == sb:
		for i := 2; i+1 < len(b); i++ {
			if b[i] == iac && b[i+1] == se {
				return b[i+2:]
			}
		}
		return nil
	default: // IAC IAC (a data byte 255) and two-byte commands carry no text
		return b[2:]
	}
}

// skipEscape drops an ANSI escape: CSI (ESC [ … final byte), OSC (ESC ] …
// BEL or ST) or a two-byte ESC sequence.
func skipEscape(b []byte) []byte {
	if len(b) < 2 {
		return nil
	}
	switch b[1] {
	case '[':
		for i := 2; i < len(b); i++ {
			if b[i] >= 0x40 && b[i] <= 0x7e {
				return b[i+1:]
			}
		}
		return nil
	case ']':
		for i := 2; i < len(b); i++ {
			if b[i] == 0x07 {
				return b[i+1:]
			}
			if b[i] == esc && i+1 < len(b) && b[i+1] == '\\' {
				return b[i+2:]
			}
		}
		return nil
	default:
		return b[2:]
	}
}
