package discovery

import (
	"crypto/rand"
	"fmt"
)

// NewUUID returns a random (version 4, RFC 4122) UUID: the message ids of
// discovery requests, and of the answers the simulated devices send.
func NewUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// uuidUpper is uuid in capitals, as SADP clients write it.
func uuidUpper() string {
	u := []byte(NewUUID())
	for i, c := range u {
		if c >= 'a' && c <= 'f' {
			u[i] = c - 32
		}
	}
	return string(u)
}
