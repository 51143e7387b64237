package main

import (
	"io"
	"net"
	"time"
)

// writeHosts is the inventory-size profile: a scanner ARP-sweeps n distinct
// hosts and each answers once, so the capture is small and the report is
// as large as n devices make it. Host i has MAC 00:14:22:<i> (a Dell OUI,
// so every device has a MAC vendor) and address 10.64.0.0 + i + 1.
func writeHosts(w io.Writer, n int) error {
	c := &capture{f: newFramer(), now: start, step: 100 * time.Microsecond}
	var written int
	if err := c.streamTo(w, &written); err != nil {
		return err
	}
	scanner := newHost("00:14:22:aa:bb:cc", "10.63.255.254")
	for i := 1; i <= n && c.err == nil; i++ {
		h := host{mac: net.HardwareAddr{0x00, 0x14, 0x22, byte(i >> 16), byte(i >> 8), byte(i)},
			ip: net.IPv4(10, byte(64+i>>16), byte(i>>8), byte(i)).To4()}
		c.write(c.f.arp(scanner, h, false))
		c.write(c.f.arp(h, scanner, true))
	}
	return c.err
}
