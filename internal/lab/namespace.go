//go:build linux

package lab

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// nsDir is where iproute2 and the netns library keep named namespaces, so
// that "ip netns exec <name>" works on them.
const nsDir = "/run/netns"

// namePrefix starts every namespace name a lab creates; RemoveStale only
// ever deletes names with this prefix.
const namePrefix = "cslab-"

// namespace is one named network namespace and a netlink handle into it.
type namespace struct {
	name string
	fd   netns.NsHandle
	nl   *netlink.Handle
}

// createNamespace makes a named namespace, sets its sysctls and brings its
// loopback up, on a thread of its own (onLockedThread).
func createNamespace(name string, ipv6 bool, enable ...string) (*namespace, error) {
	type result struct {
		fd  netns.NsHandle
		err error
	}
	done := make(chan result, 1)
	go func() {
		fd := netns.None()
		err := onLockedThread(func() error {
			var err error
			if fd, err = netns.NewNamed(name); err != nil {
				return err
			}
			return setSysctls(ipv6, enable)
		})
		done <- result{fd: fd, err: err}
	}()
	r := <-done
	ns := &namespace{name: name, fd: r.fd}
	if r.err != nil {
		ns.remove()
		return nil, fmt.Errorf("lab: namespace %s: %w", name, r.err)
	}
	h, err := netlink.NewHandleAt(r.fd, unix.NETLINK_ROUTE)
	if err != nil {
		ns.remove()
		return nil, fmt.Errorf("lab: netlink in %s: %w", name, err)
	}
	ns.nl = h
	if err := loopbackUp(h); err != nil {
		ns.remove()
		return nil, fmt.Errorf("lab: %s: %w", name, err)
	}
	return ns, nil
}

func loopbackUp(h *netlink.Handle) error {
	lo, err := h.LinkByName("lo")
	if err != nil {
		return err
	}
	return h.LinkSetUp(lo)
}

// setSysctls runs on a thread inside the new namespace: /proc/sys/net shows
// the namespace of the thread that opens it.
//
// arp_ignore=1 and arp_announce=2 make each interface answer ARP only for its
// own address, which the plain-host namespace (many macvlans on one link)
// needs to look like many separate machines. rp_filter is off because plain
// hosts route replies by policy, not by the incoming interface.
func setSysctls(ipv6 bool, enable []string) error {
	settings := map[string]string{
		"net/ipv4/conf/all/arp_ignore":       "1",
		"net/ipv4/conf/default/arp_ignore":   "1",
		"net/ipv4/conf/all/arp_announce":     "2",
		"net/ipv4/conf/default/arp_announce": "2",
		"net/ipv4/conf/all/rp_filter":        "0",
		"net/ipv4/conf/default/rp_filter":    "0",
	}
	for _, key := range enable {
		settings[key] = "1"
	}
	if !ipv6 {
		settings["net/ipv6/conf/all/disable_ipv6"] = "1"
		settings["net/ipv6/conf/default/disable_ipv6"] = "1"
	}
	for key, value := range settings {
		if err := os.WriteFile(filepath.Join("/proc/sys", key), []byte(value), 0); err != nil {
			if errors.Is(err, os.ErrNotExist) && !ipv6 {
				continue // kernel without IPv6: nothing to disable
			}
			return fmt.Errorf("sysctl %s: %w", key, err)
		}
	}
	return nil
}

// remove closes the handles and deletes the name; the kernel frees the
// namespace, and every link inside it, once nothing references it.
func (ns *namespace) remove() error {
	if ns.nl != nil {
		ns.nl.Close()
		ns.nl = nil
	}
	if ns.fd.IsOpen() {
		ns.fd.Close()
	}
	ns.fd = netns.None()
	return deleteNamed(ns.name)
}

// deleteNamed unmounts and removes a named namespace; a name already gone is
// not an error.
func deleteNamed(name string) error {
	path := filepath.Join(nsDir, name)
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("lab: unmount %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("lab: remove %s: %w", path, err)
	}
	return nil
}

// onLockedThread runs fn with the goroutine locked to its thread, then moves
// the thread back to the namespace it started in: fn may move it into
// another (a host's, or one it creates). A thread that cannot be moved back
// is left locked, so that the Go runtime discards it when its goroutine ends
// instead of reusing a thread that sits in the wrong namespace.
func onLockedThread(fn func() error) error {
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("current namespace: %w", err)
	}
	defer orig.Close()
	fnErr := fn()
	if err := netns.Set(orig); err != nil {
		return errors.Join(fnErr, fmt.Errorf("back to the original namespace: %w", err))
	}
	runtime.UnlockOSThread()
	return fnErr
}

// readyTimeout bounds the wait for new links to come up.
const readyTimeout = 5 * time.Second

// waitOperUp waits until every named link in h is operationally up. The
// kernel activates a new link's queue and its bridge port asynchronously
// (linkwatch); a packet sent before that is silently dropped, so a lab is
// only handed out once its links are up.
func waitOperUp(h *netlink.Handle, names ...string) error {
	deadline := time.Now().Add(readyTimeout)
	pending := map[string]bool{}
	for _, n := range names {
		pending[n] = true
	}
	for {
		links, err := h.LinkList()
		if err != nil {
			return err
		}
		for _, l := range links {
			if pending[l.Attrs().Name] && l.Attrs().OperState == netlink.OperUp {
				delete(pending, l.Attrs().Name)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("lab: links not up after %v: %v", readyTimeout, keys(pending))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
