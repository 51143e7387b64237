//go:build linux

package camsim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/camsweep/camsweep/internal/lab"
)

// Device is a running simulated device: its listeners inside a lab host.
type Device struct {
	Profile Profile
	Host    *lab.Host

	vars   map[string]string
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closers []io.Closer
	conns   map[net.Conn]struct{}
	closed  bool
	asked   []string // HTTP requests read, "GET /path", at most maxAsked
}

// maxAsked bounds the HTTP requests a device remembers.
const maxAsked = 1024

// HTTPRequests returns the method and target of the HTTP requests the
// device was sent, answered or not, in order (the first maxAsked): tests
// compare what a real browser and the sweep ask of it.
func (d *Device) HTTPRequests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.asked)
}

func (d *Device) noteRequest(method, target string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.asked) < maxAsked {
		d.asked = append(d.asked, method+" "+target)
	}
}

// maxConns bounds the connections one device serves at once; more are
// closed on accept, like an embedded server whose table is full.
const maxConns = 64

// Start opens every service of p inside host and serves until ctx ends or
// Close is called. The device also closes with the lab. host's MAC should
// be p.MAC (see Add); Start does not change it.
func Start(ctx context.Context, host *lab.Host, p Profile) (*Device, error) {
	ctx, cancel := context.WithCancel(ctx)
	d := &Device{Profile: p, Host: host, ctx: ctx, cancel: cancel, conns: map[net.Conn]struct{}{}}
	d.vars = d.templateVars()
	for i := range p.Services {
		if err := d.startService(&d.Profile.Services[i]); err != nil {
			d.Close()
			return nil, fmt.Errorf("camsim: %s: %s: %w", p.Name, p.Services[i].Proto, err)
		}
	}
	host.Lab().OnClose(d.Close)
	go func() {
		<-ctx.Done()
		d.Close()
	}()
	return d, nil
}

// Add creates a lab host for p, with the profile's MAC and the next free
// address, and starts the device in it.
func Add(ctx context.Context, l *lab.Lab, p Profile) (*Device, error) {
	mac, err := net.ParseMAC(p.MAC)
	if err != nil {
		return nil, err
	}
	ip, err := l.FreeIP()
	if err != nil {
		return nil, err
	}
	host, err := l.AddHost(p.Name, mac, ip)
	if err != nil {
		return nil, err
	}
	return Start(ctx, host, p)
}

// AddAll adds every profile to the lab (see Add), in order. On error the
// devices already started stay in the lab and close with it.
func AddAll(ctx context.Context, l *lab.Lab, profiles []Profile) ([]*Device, error) {
	devices := make([]*Device, 0, len(profiles))
	for _, p := range profiles {
		d, err := Add(ctx, l, p)
		if err != nil {
			return devices, fmt.Errorf("camsim: %s: %w", p.Name, err)
		}
		devices = append(devices, d)
	}
	return devices, nil
}

// templateVars are the built-in placeholders, then the profile's own.
func (d *Device) templateVars() map[string]string {
	mac := d.Host.MAC
	hex := strings.ReplaceAll(mac.String(), ":", "")
	ip4 := d.Host.IP.As4()
	vars := map[string]string{
		"IP":            d.Host.IP.String(),
		"MAC":           mac.String(),
		"MAC_UPPER":     strings.ToUpper(mac.String()),
		"MAC_DASH":      strings.ReplaceAll(mac.String(), ":", "-"),
		"MAC_HEX":       hex,
		"MAC_HEX_UPPER": strings.ToUpper(hex),
		// Xiongmai writes addresses as the little-endian uint32 in hex.
		"IP_XM": fmt.Sprintf("0x%02X%02X%02X%02X", ip4[3], ip4[2], ip4[1], ip4[0]),
	}
	// Profile variables may use the built-in ones ({{MAC_HEX}} in an
	// endpoint reference), so they are expanded against them first.
	builtins := maps.Clone(vars)
	for k, v := range d.Profile.Vars {
		vars[k] = string(expand([]byte(v), builtins))
	}
	return vars
}

// varsWith returns the device's variables plus per-response ones.
func (d *Device) varsWith(extra map[string]string) map[string]string {
	if len(extra) == 0 {
		return d.vars
	}
	out := make(map[string]string, len(d.vars)+len(extra))
	for k, v := range d.vars {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func (d *Device) startService(s *Service) error {
	switch s.Proto {
	case "sadp", "wsd", "dhip", "xmsearch", "gvcp", "hds", "endc", "tdp", "moi", "dhs", "searchipc":
		return d.startDiscovery(s)
	case "mdns":
		return d.startMDNS(s)
	default:
		return d.startTCP(s)
	}
}

// track registers a listener or socket to close with the device.
func (d *Device) track(c io.Closer) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		c.Close()
		return false
	}
	d.closers = append(d.closers, c)
	return true
}

// addConn counts a served connection; false means the device is full or closing.
func (d *Device) addConn(c net.Conn) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || len(d.conns) >= maxConns {
		return false
	}
	d.conns[c] = struct{}{}
	return true
}

func (d *Device) dropConn(c net.Conn) {
	d.mu.Lock()
	delete(d.conns, c)
	d.mu.Unlock()
	c.Close()
}

// Close stops every listener and connection and waits for the goroutines.
func (d *Device) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	closers := d.closers
	conns := d.conns
	d.conns = map[net.Conn]struct{}{}
	d.mu.Unlock()

	d.cancel()
	var errs []error
	for _, c := range closers {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	for c := range conns {
		c.Close()
	}
	d.wg.Wait()
	return errors.Join(errs...)
}
