// Package service turns the first bytes of a TCP connection (HTTP, RTSP, TLS
// handshakes, server-first banners) into observations; it knows protocols,
// never vendors.
//
// Every decoder is a scanner.StreamDecoder. ForPort and Detect choose one for
// a flow, ByRawKey for a raw value given to `camsweep identify`. Everything a
// device sends is treated as hostile: parsing is bounded, tolerant of
// malformed framing, and never panics.
package service
