//go:build linux

package camsim

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	// maxRequestHead bounds what a device reads of one HTTP or RTSP request.
	maxRequestHead = 8 << 10
	// requestTimeout is how long a device waits for a request before hanging up.
	requestTimeout = 10 * time.Second
	// holdTimeout is how long "open" and finished connections are held
	// before the device hangs up on an idle client.
	holdTimeout = 2 * time.Minute
	// floodChunk is the block an endless stream repeats.
	floodChunk = 64 << 10
)

// tcpHandler serves one accepted connection of a service.
type tcpHandler func(d *Device, s *Service, c net.Conn)

// tcpHandlers serve the TCP protos; https, serveHTTP inside TLS, is put
// together by startTCP, as its certificate is made per device.
var tcpHandlers = map[string]tcpHandler{
	"http":    serveHTTP,
	"rtsp":    serveRTSP,
	"banner":  serveBanner,
	"reply":   serveReply,
	"open":    serveOpen,
	"trickle": serveTrickle,
	"flood":   serveFlood,
}

func (d *Device) startTCP(s *Service) error {
	handler := tcpHandlers[s.Proto]
	if s.Proto == "https" {
		cfg, err := d.tlsConfig(s)
		if err != nil {
			return err
		}
		handler = overTLS(cfg, serveHTTP)
	}
	ln, err := d.Host.Listen("tcp4", fmt.Sprintf(":%d", s.Port))
	if err != nil {
		return err
	}
	if !d.track(ln) {
		return errors.New("device closed")
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.acceptLoop(ln, s, handler)
	}()
	return nil
}

func (d *Device) acceptLoop(ln net.Listener, s *Service, handler tcpHandler) {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || d.ctx.Err() != nil {
				return
			}
			time.Sleep(10 * time.Millisecond) // e.g. EMFILE: back off, do not spin
			continue
		}
		if !d.addConn(c) {
			c.Close()
			continue
		}
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			defer d.dropConn(c)
			handler(d, s, c)
		}()
	}
}

// deadliner is the part of net.Conn readHead needs.
type deadliner interface{ SetReadDeadline(time.Time) error }

// readHead reads one request head (up to the blank line), bounded in size
// and time. It returns what was read even when the head is incomplete.
func readHead(r *bufio.Reader, c deadliner) ([]byte, error) {
	c.SetReadDeadline(time.Now().Add(requestTimeout))
	var head []byte
	for len(head) < maxRequestHead {
		line, err := r.ReadSlice('\n')
		head = append(head, line...)
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return head, err
		}
		if bytes.Equal(bytes.TrimRight(line, "\r\n"), nil) && len(head) > len(line) {
			return head, nil
		}
	}
	return head, errors.New("request head too long")
}

// requestLine splits "METHOD target PROTO" from a request head.
func requestLine(head []byte) (method, target string) {
	first, _, _ := bytes.Cut(head, []byte("\n"))
	fields := strings.Fields(string(first))
	if len(fields) < 2 {
		return "", ""
	}
	return fields[0], fields[1]
}

// serveHTTP answers one request with the recorded response for its path and
// closes, as the embedded servers of cameras mostly do.
func serveHTTP(d *Device, s *Service, c net.Conn) {
	r := bufio.NewReaderSize(c, 4096)
	head, err := readHead(r, c)
	if err != nil {
		return
	}
	method, target := requestLine(head)
	d.noteRequest(method, target)
	path, _, _ := strings.Cut(target, "?")
	resp, ok := soapResponse(d, s, method, head, r)
	if !ok {
		resp, ok = httpResponse(d, s, path)
	}
	c.SetWriteDeadline(time.Now().Add(requestTimeout))
	if ok {
		c.Write(resp)
	}
}

// maxSOAPRequest bounds the request body read to find an ONVIF operation.
const maxSOAPRequest = 16 << 10

// soapOperation finds the ONVIF operation a SOAP request asks for: the
// local name of the Body's first element.
var soapOperation = regexp.MustCompile(`<(?:[A-Za-z0-9_.-]+:)?Body[^>]*>\s*<(?:[A-Za-z0-9_.-]+:)?([A-Za-z0-9_]+)`)

// soapResponse answers a POST whose body asks for an operation the service
// has a SOAP response for.
func soapResponse(d *Device, s *Service, method string, head []byte, r *bufio.Reader) ([]byte, bool) {
	if method != "POST" || len(s.SOAP) == 0 {
		return nil, false
	}
	n := requestLength(head)
	if n <= 0 || n > maxSOAPRequest {
		return nil, false
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, false
	}
	m := soapOperation.FindSubmatch(body)
	if m == nil {
		return nil, false
	}
	name, ok := s.SOAP[string(m[1])]
	if !ok {
		return nil, false
	}
	return fixContentLength(expand(s.files[name], d.vars)), true
}

// requestLength reads a request head's Content-Length (-1 when absent or
// bad).
func requestLength(head []byte) int {
	m := contentLength.FindSubmatch(head)
	if m == nil {
		return -1
	}
	n, err := strconv.Atoi(string(m[2]))
	if err != nil {
		return -1
	}
	return n
}

// httpResponse is what a service answers a GET of path with: the route's
// response file, else the recorded page, else the "*" route.
func httpResponse(d *Device, s *Service, urlPath string) ([]byte, bool) {
	if name, ok := s.Routes[urlPath]; ok {
		return fixContentLength(expand(s.files[name], d.vars)), true
	}
	if name, ok := s.Pages[urlPath]; ok {
		return pageResponse(name, s.files[name]), true
	}
	if name, ok := s.Routes["*"]; ok {
		return fixContentLength(expand(s.files[name], d.vars)), true
	}
	return nil, false
}

// pageResponse is a 200 carrying a recorded page body unchanged.
func pageResponse(name string, body []byte) []byte {
	head := "HTTP/1.1 200 OK\r\nContent-Type: " + pageType(name) +
		"\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n"
	return append([]byte(head), body...)
}

// pageType is the Content-Type of a recorded page by its file name.
func pageType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".js":
		return "application/javascript"
	case ".ico":
		return "image/x-icon"
	case ".css":
		return "text/css"
	case ".json":
		return "application/json"
	}
	return "text/html" // .html, .htm, .asp: what embedded servers label them
}

// contentLength matches the header in any case (Dahua writes CONTENT-LENGTH).
var contentLength = regexp.MustCompile(`(?im)^(content-length:[ \t]*)(\d+)(\r?)$`)

// fixContentLength recomputes Content-Length after template expansion changed
// the body, keeping the header's spelling; responses without one are left
// alone.
func fixContentLength(resp []byte) []byte {
	sep := []byte("\r\n\r\n")
	i := bytes.Index(resp, sep)
	if i < 0 {
		sep = []byte("\n\n")
		if i = bytes.Index(resp, sep); i < 0 {
			return resp
		}
	}
	head, body := resp[:i], resp[i+len(sep):]
	loc := contentLength.FindSubmatchIndex(head)
	if loc == nil {
		return resp
	}
	var out bytes.Buffer
	out.Write(head[:loc[4]])
	out.WriteString(strconv.Itoa(len(body)))
	out.Write(head[loc[5]:])
	out.Write(sep)
	out.Write(body)
	return out.Bytes()
}

// cseqLine matches the CSeq header, however the recording spelled it.
var cseqLine = regexp.MustCompile(`(?im)^(cseq:[ \t]*)(\d+)(\r?)$`)

// serveRTSP answers requests on one connection until the client stops,
// replaying the recorded response for each method with the request's CSeq.
func serveRTSP(d *Device, s *Service, c net.Conn) {
	r := bufio.NewReaderSize(c, 4096)
	for range 64 { // requests per connection
		head, err := readHead(r, c)
		if err != nil {
			return
		}
		method, _ := requestLine(head)
		name, ok := s.Methods[method]
		if !ok {
			name, ok = s.Methods["*"]
		}
		if !ok {
			return
		}
		resp := withCSeq(expand(s.files[name], d.vars), head, s.CSeqAbsent == "omit")
		c.SetWriteDeadline(time.Now().Add(requestTimeout))
		if _, err := c.Write(fixContentLength(resp)); err != nil {
			return
		}
	}
}

// withCSeq gives the response the request's CSeq; without one in the
// request, the recorded line stays or, with omit, goes.
func withCSeq(resp, request []byte, omit bool) []byte {
	if m := cseqLine.FindSubmatch(request); m != nil {
		return cseqLine.ReplaceAll(resp, []byte("${1}"+string(m[2])+"${3}"))
	}
	if omit {
		return cseqWhole.ReplaceAll(resp, nil)
	}
	return resp
}

// cseqWhole matches a CSeq header line with its line ending, to remove it.
var cseqWhole = regexp.MustCompile(`(?im)^cseq:[^\n]*\n`)

// serveBanner sends the recorded bytes first, then waits for the client to go.
func serveBanner(d *Device, s *Service, c net.Conn) {
	c.SetWriteDeadline(time.Now().Add(requestTimeout))
	if _, err := c.Write(expand(s.files[s.Response], d.vars)); err != nil {
		return
	}
	drain(c)
}

// serveReply waits for the client's first bytes, answers with the recorded
// response, then waits for the client to go.
func serveReply(d *Device, s *Service, c net.Conn) {
	c.SetReadDeadline(time.Now().Add(requestTimeout))
	buf := make([]byte, 4096)
	if _, err := c.Read(buf); err != nil {
		return
	}
	c.SetWriteDeadline(time.Now().Add(requestTimeout))
	if _, err := c.Write(expand(s.files[s.Response], d.vars)); err != nil {
		return
	}
	drain(c)
}

// serveOpen accepts and never answers: a port that is open and mute.
func serveOpen(d *Device, s *Service, c net.Conn) { drain(c) }

// drain reads and discards until the client closes, an idle hold timeout or
// the device closes the connection.
func drain(c net.Conn) {
	buf := make([]byte, 4096)
	for {
		c.SetReadDeadline(time.Now().Add(holdTimeout))
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// serveTrickle sends the response one byte per interval, over and over,
// until the client goes away.
func serveTrickle(d *Device, s *Service, c net.Conn) {
	interval := time.Second
	if s.IntervalMS > 0 {
		interval = time.Duration(s.IntervalMS) * time.Millisecond
	}
	data := expand(s.files[s.Response], d.vars)
	if len(data) == 0 {
		data = []byte{'.'}
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for i := 0; ; i++ {
		c.SetWriteDeadline(time.Now().Add(requestTimeout))
		if _, err := c.Write(data[i%len(data) : i%len(data)+1]); err != nil {
			return
		}
		select {
		case <-ticker.C:
		case <-d.ctx.Done():
			return
		}
	}
}

// serveFlood sends the response repeated without end, as fast as the client
// reads, until it goes away: a device that answers with gigabytes.
func serveFlood(d *Device, s *Service, c net.Conn) {
	data := expand(s.files[s.Response], d.vars)
	if len(data) == 0 {
		data = []byte{'A'}
	}
	chunk := bytes.Repeat(data, floodChunk/len(data)+1)[:floodChunk]
	go io.Copy(io.Discard, io.LimitReader(c, 1<<20)) // read the request so the client's write never blocks
	for d.ctx.Err() == nil {
		c.SetWriteDeadline(time.Now().Add(requestTimeout))
		if _, err := c.Write(chunk); err != nil {
			return
		}
	}
}
