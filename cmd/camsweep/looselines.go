package main

// This file reads observation lines that a spreadsheet export or another
// tool's script wrote loosely: the meaning is plain, only the form differs
// from the documented one. A line is first read strictly; only when that
// fails is it loosened and read again, so well-formed input costs nothing
// and a line that is wrong in substance keeps its precise error.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/report"
)

// observationFields are the members of an observation line.
var observationFields = []string{"ts", "probe", "mac", "ip", "port", "vlan", "key", "value"}

// loosenLine rewrites an observation line in the documented form, or returns
// ok false when nothing in it could be loosened. Loosened are: member names
// in capitals or with white space around them; members that are not
// observation fields (a spreadsheet's "source" or "note" column), dropped
// and returned in unread so the user hears of them; a port or VLAN written
// as a string; an address written with its port ("10.0.0.5:80",
// "[fe80::1]:80") when the line gives no other port; a time written with a
// space for the T or without a zone (read as UTC), or as Unix seconds; a
// value that is a number or true/false (its JSON text).
func loosenLine(text []byte) (loose []byte, unread []string, ok bool) {
	var members map[string]json.RawMessage
	if json.Unmarshal(text, &members) != nil {
		return nil, nil, false
	}
	out := make(map[string]json.RawMessage, len(members))
	changed := false
	for name, v := range members {
		field := strings.ToLower(strings.TrimSpace(name))
		if !slices.Contains(observationFields, field) {
			unread = append(unread, name)
			changed = true
			continue
		}
		if _, dup := out[field]; dup {
			return nil, nil, false // "IP" and "ip" both: which one is meant is not plain
		}
		changed = changed || field != name
		out[field] = v
	}
	for field, loosen := range map[string]func(json.RawMessage) (json.RawMessage, bool){
		"port":  looseNumber,
		"vlan":  looseNumber,
		"ts":    looseTime,
		"value": looseValue,
	} {
		if v, has := out[field]; has {
			if lv, did := loosen(v); did {
				out[field], changed = lv, true
			}
		}
	}
	if splitAddressPort(out) {
		changed = true
	}
	if !changed {
		return nil, nil, false
	}
	loose, err := json.Marshal(out)
	return loose, unread, err == nil
}

// looseNumber reads a port or VLAN given as a string of digits.
func looseNumber(v json.RawMessage) (json.RawMessage, bool) {
	var s string
	if json.Unmarshal(v, &s) != nil {
		return nil, false
	}
	s = strings.TrimSpace(s)
	if _, err := strconv.ParseUint(s, 10, 16); err != nil {
		return nil, false
	}
	return json.RawMessage(s), true
}

// looseTimeLayouts are the time forms spreadsheets and scripts write; a form
// without a zone is UTC.
var looseTimeLayouts = []string{
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05.999999999",
}

// looseTime reads a time written in one of looseTimeLayouts, or as Unix
// seconds (a number, or a string of digits).
func looseTime(v json.RawMessage) (json.RawMessage, bool) {
	var t time.Time
	var s string
	switch {
	case json.Unmarshal(v, &s) == nil:
		s = strings.TrimSpace(s)
		for _, layout := range looseTimeLayouts {
			if parsed, err := time.Parse(layout, s); err == nil {
				t = parsed
				break
			}
		}
		if t.IsZero() {
			if sec, ok := unixSeconds(s); ok {
				t = sec
			}
		}
	default:
		if sec, ok := unixSeconds(string(v)); ok {
			t = sec
		}
	}
	if t.IsZero() {
		return nil, false
	}
	b, err := json.Marshal(t.UTC())
	return b, err == nil
}

// unixSeconds reads whole Unix seconds from 1990 to 2100: a number outside
// that is more likely milliseconds or something else, and is refused.
func unixSeconds(s string) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 631152000 || n > 4102444800 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// looseValue reads a value given as a JSON number or boolean as its text
// (a port a discovery answer named, "activated": true); null is empty.
func looseValue(v json.RawMessage) (json.RawMessage, bool) {
	t := bytes.TrimSpace(v)
	if len(t) == 0 || t[0] == '"' || t[0] == '{' || t[0] == '[' {
		return nil, false
	}
	if bytes.Equal(t, []byte("null")) {
		return json.RawMessage(`""`), true
	}
	b, err := json.Marshal(string(t))
	return b, err == nil
}

// splitAddressPort moves the port of an address written with it into the
// port member, when the line gives no port or the same one.
func splitAddressPort(m map[string]json.RawMessage) bool {
	var s string
	if v, has := m["ip"]; !has || json.Unmarshal(v, &s) != nil {
		return false
	}
	ap, err := netip.ParseAddrPort(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	if p, has := m["port"]; has {
		var n uint16
		if json.Unmarshal(p, &n) != nil || n != ap.Port() {
			return false
		}
	}
	ip, _ := json.Marshal(ap.Addr().String())
	m["ip"], m["port"] = ip, json.RawMessage(strconv.Itoa(int(ap.Port())))
	return true
}

// lineNotes gathers what the user should hear of once after reading: keys
// the lines used (to name those no signature reads) and members that are no
// observation field (a column the reading left out).
type lineNotes struct {
	keys, unread map[string]int
}

func newLineNotes() *lineNotes {
	return &lineNotes{keys: map[string]int{}, unread: map[string]int{}}
}

func (n *lineNotes) key(k string) {
	if n != nil {
		n.keys[k]++
	}
}

func (n *lineNotes) unreadField(f string) {
	if n != nil {
		n.unread[f]++
	}
}

// noteUnreadFields names each member the lines held that is no observation
// field, once, with the field it most likely means.
func noteUnreadFields(w io.Writer, unread map[string]int) {
	for _, f := range slices.Sorted(maps.Keys(unread)) {
		hint := "the fields are " + strings.Join(observationFields, ", ")
		if s := nearestField(f); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		fmt.Fprintf(w, "camsweep: note: field %q (%s) is not an observation field and was not read (%s)\n", report.Clean(f, 64), report.Plural(unread[f], "line", "lines"), hint)
	}
}

// fieldSynonyms are the column names exports give the observation fields.
// They are only suggested, never read as the field: "host" may be a host
// name, "time" a local time.
var fieldSynonyms = map[string]string{
	"host": "ip", "address": "ip", "addr": "ip", "ip_address": "ip", "ipaddress": "ip", "ip_str": "ip", "ipv4": "ip", "ipv6": "ip",
	"mac_address": "mac", "macaddress": "mac", "hwaddr": "mac", "ether": "mac",
	"time": "ts", "timestamp": "ts", "date": "ts", "seen": "ts",
	"data": "value", "banner": "value",
}

// nearestField is the observation field a member name means: a column
// name exports use for it, or a misspelling (one edit from a field of four
// letters, two from a longer one), else "".
func nearestField(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if f, ok := fieldSynonyms[name]; ok {
		return f
	}
	for _, f := range observationFields {
		limit := 2
		if len(f) > 4 {
			limit = 3
		}
		if len(f) > 2 && observe.EditDistance(name, f, limit) < limit {
			return f
		}
	}
	return ""
}
