package service

import (
	"net"
	"strings"
)

// realmMAC returns the realm of an authentication challenge when the whole
// realm is a MAC address (48ea63c2402b, 48:EA:63:C2:40:2B or 48-ea-63-…), in
// canonical lower-case colon form. Some firmware names its own interface in
// the realm; which maker does so is data, not this decoder's business: the
// engine reads the MAC's registry block like any other MAC it is told.
func realmMAC(challenge string) (string, bool) {
	realm, ok := challengeRealm(challenge)
	if !ok {
		return "", false
	}
	if len(realm) == 12 && isHex(realm) {
		realm = realm[0:2] + ":" + realm[2:4] + ":" + realm[4:6] + ":" + realm[6:8] + ":" + realm[8:10] + ":" + realm[10:12]
	}
	if len(realm) != 17 {
		return "", false
	}
	hw, err := net.ParseMAC(realm)
	if err != nil || len(hw) != 6 {
		return "", false
	}
	return hw.String(), true
}

// challengeRealm reads the realm parameter of a WWW-Authenticate value,
// quoted or not.
func challengeRealm(challenge string) (string, bool) {
	i := indexRealm(challenge)
	if i < 0 {
		return "", false
	}
	rest := challenge[i+len("realm="):]
	if q, ok := strings.CutPrefix(rest, `"`); ok {
		end := strings.IndexByte(q, '"')
		if end < 0 {
			return "", false
		}
		return q[:end], true
	}
	if end := strings.IndexAny(rest, ", \t"); end >= 0 {
		rest = rest[:end]
	}
	return rest, rest != ""
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// indexRealm returns where "realm=" starts in a challenge, in any case (-1
// when it does not): an index into the challenge itself, which lower-casing
// a copy would neither keep for text that is not UTF-8 nor do without an
// allocation per header.
func indexRealm(challenge string) int {
	const param = "realm="
	for i := 0; i+len(param) <= len(challenge); i++ {
		if equalASCIIFold(challenge[i:i+len(param)], param) {
			return i
		}
	}
	return -1
}
