package observe

import (
	"net/url"
	"strings"
)

// MaxListItems bounds how many items one list value stands for: a device can
// send thousands of scopes; no real one sends more than a few dozen.
const MaxListItems = 64

// listKeys are keys whose value is a white-space separated list of values of
// another key: every item counts as an observation of that key would.
var listKeys = map[string]string{"wsd.scopes": "wsd.scope"}

// Items returns the key and the values a list observation stands for
// ("wsd.scopes" → each "wsd.scope", percent-decoded as the WS-Discovery
// decoder emits it), at most MaxListItems; ok is false for other keys.
func Items(key, value string) (itemKey string, items []string, ok bool) {
	itemKey, ok = listKeys[key]
	if !ok {
		return "", nil, false
	}
	for _, f := range strings.Fields(value) {
		if len(items) == MaxListItems {
			break
		}
		items = append(items, ScopeValue(f))
	}
	return itemKey, items, true
}

// IsList reports whether the key's value is a list of another key's values.
func IsList(key string) bool {
	_, ok := listKeys[key]
	return ok
}

// ScopeValue undoes the URI escaping of one scope
// (name/HIKVISION%20DS-2CD2042WD-I); a malformed escape leaves it as sent.
func ScopeValue(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}
