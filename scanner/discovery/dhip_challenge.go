package discovery

import (
	"encoding/json"
	"slices"
)

// A DHIP device answers a session's first global.login (on its TCP control
// port) with a challenge: result false, error 268632079 ("login challenge")
// or 401, and params holding the realm and random the client hashes the
// password with. Answers name no method, but this one names itself by its
// shape, so a challenge given alone (a DHIP payload recorded from a session,
// without the client's request) still tells its realm.
type dhipChallenge struct {
	Method json.RawMessage `json:"method"`
	Error  struct {
		Code json.RawMessage `json:"code"`
	} `json:"error"`
	Params struct {
		Realm  json.RawMessage `json:"realm"`
		Random json.RawMessage `json:"random"`
		MAC    json.RawMessage `json:"mac"`
	} `json:"params"`
}

// dhipChallengeCodes are the error codes of a login challenge.
var dhipChallengeCodes = []string{"268632079", "401"}

// dhipChallengeRealm returns the realm of a login challenge body and the
// MAC it names (canonical, "" when none), or "" when the body is not one (a
// request, another answer, no realm or random).
func dhipChallengeRealm(body []byte) (realm, mac string) {
	var c dhipChallenge
	if decodeFirstJSON(body, &c) != nil || len(c.Method) > 0 ||
		!slices.Contains(dhipChallengeCodes, scalarText(c.Error.Code)) || scalarText(c.Params.Random) == "" {
		return "", ""
	}
	return scalarText(c.Params.Realm), MACText(scalarText(c.Params.MAC))
}
