package pcap

// defaultProtocols routes payloads to the project's protocol decoders.
func defaultProtocols() *Protocols {
	return &Protocols{}
}
