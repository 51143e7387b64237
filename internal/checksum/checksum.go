// Package checksum computes the Internet checksum that IPv4, ICMP, UDP and
// TCP headers carry, for the sweep's ICMP replies and the capture reader's
// checks of tunnelled frames.
package checksum

// Internet is the ones' complement of the ones' complement sum of b taken
// 16 bits at a time (RFC 1071); over a message carrying a right checksum it
// is 0.
func Internet(b []byte) uint16 {
	var sum uint32
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
