package main

import (
	"io"
	"net"
	"time"

	"github.com/camsweep/camsweep/internal/pcapgen"
)

// writeHosts is the inventory-size profile: a scanner ARP-sweeps n distinct
// hosts and each answers once, so the capture is small and the report is
// as large as n devices make it. Host i has MAC 00:14:22:<i> (a Dell OUI,
// so every device has a MAC vendor) and address 10.64.0.0 + i + 1.
func writeHosts(w io.Writer, n int, form pcapgen.LinkForm) error {
	c := &capture{&pcapgen.Capture{F: pcapgen.NewFramer(), Now: start, Step: 100 * time.Microsecond}}
	var written int
	flush, err := c.StreamForm(w, &written, form)
	if err != nil {
		return err
	}
	scanner := pcapgen.NewHost("00:14:22:aa:bb:cc", "10.63.255.254")
	for i := 1; i <= n && c.Err == nil; i++ {
		h := pcapgen.Host{MAC: net.HardwareAddr{0x00, 0x14, 0x22, byte(i >> 16), byte(i >> 8), byte(i)},
			IP: net.IPv4(10, byte(64+i>>16), byte(i>>8), byte(i)).To4()}
		c.Write(c.F.ARP(scanner, h, false))
		c.Write(c.F.ARP(h, scanner, true))
	}
	if c.Err != nil {
		return c.Err
	}
	return flush()
}
