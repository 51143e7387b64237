package main

import (
	"bytes"

	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// dahuaNVR answers a client's DHIP session on 37777; its MAC is from a
// Dahua block.
var dahuaNVR = pcapgen.NewHost("3c:ef:8c:5a:21:07", "10.20.0.23")

// dhipSessionScene writes a client on the workstation asking a Dahua NVR
// over DHIP (TCP 37777) for its identity: the constructed session of
// testdata/service/constructed (real values of a DHI-NVR5232-4KS2; see
// SOURCES.md there), each request then its answer, each behind a DHIP header.
func dhipSessionScene(p *payloads) func(*capture) {
	requests := bytes.Split(bytes.TrimSpace(p.dhipRequests), []byte("\n"))
	answers := bytes.Split(bytes.TrimSpace(p.dhipAnswers), []byte("\n"))
	var exchanges [][2][]byte
	for i := range min(len(requests), len(answers)) {
		exchanges = append(exchanges, [2][]byte{discovery.DHIPFrame(requests[i]), discovery.DHIPFrame(answers[i])})
	}
	return func(c *capture) { c.Dialogue(workstation, dahuaNVR, 50081, 37777, exchanges) }
}
