package fingerprint

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// bothOrders runs check on a fresh engine fed obs as given and reversed.
func bothOrders(t *testing.T, obs []Observation, check func(t *testing.T, e *Engine)) {
	t.Helper()
	for _, order := range []string{"as given", "reversed"} {
		t.Run(order, func(t *testing.T) {
			o := slices.Clone(obs)
			if order == "reversed" {
				slices.Reverse(o)
			}
			e := newTestEngine(t)
			add(e, o...)
			check(t, e)
		})
	}
}

func deviceOf(t *testing.T, ds []Device, mac MAC) Device {
	t.Helper()
	for _, d := range ds {
		if d.MAC == mac {
			return d
		}
	}
	t.Fatalf("no device %s in %+v", mac, ds)
	return Device{}
}

// TestEngineWireBindingOutranksClaimed: ARP says the address is the MAC the
// device sends from, its discovery answer names another MAC. In either order
// the address, and what came with only the address (the answer's model),
// goes to the wire MAC. The claimed MAC, never seen on the wire, is folded
// into that device as the evidence of its binding; a claimed MAC that sends
// frames of its own stays a device, with its binding as evidence.
func TestEngineWireBindingOutranksClaimed(t *testing.T) {
	wire, claimed := mustMAC(t, "1c:61:b4:c3:0e:95"), mustMAC(t, "1c:61:b4:e9:49:b6")
	ip := netip.MustParseAddr("198.18.0.216")
	obs := []Observation{
		{Probe: "arp", MAC: wire, IP: ip, Key: "arp.mac", Value: wire.String()},
		{Probe: "tdp", MAC: claimed, IP: ip, Key: "tdp.mac", Value: claimed.String()},
		{Probe: "tdp", IP: ip, Port: 20002, Key: "tdp.device_type", Value: "SMART.IPCAMERA"},
		{Probe: "tdp", IP: ip, Port: 20002, Key: "tdp.device_model", Value: "C200"},
	}
	claimEvidence := func(d Device, key string) bool {
		return slices.ContainsFunc(d.Evidence, func(ev Evidence) bool { return ev.Key == key && ev.Value == claimed.String() })
	}
	for _, key := range []string{"tdp.mac", "sadp.mac", "dhip.mac", "ssdp.mac"} {
		obs[1].Key, obs[1].Probe = key, strings.TrimSuffix(key, ".mac")
		t.Run(key, func(t *testing.T) {
			bothOrders(t, obs, func(t *testing.T, e *Engine) {
				d := onlyDevice(t, e)
				if d.MAC != wire || d.Model != "C200" || !slices.Equal(d.IPs, []netip.Addr{ip}) || !claimEvidence(d, key) {
					t.Errorf("got %+v, want the camera under the wire MAC with the claimed binding as evidence", d)
				}
			})
		})
		t.Run(key+" and the claimed MAC on the wire", func(t *testing.T) {
			seen := append(slices.Clone(obs), Observation{Probe: "pcap", MAC: claimed, Key: "link.mac", Value: claimed.String()})
			bothOrders(t, seen, func(t *testing.T, e *Engine) {
				ds := e.Devices()
				if len(ds) != 2 {
					t.Fatalf("got %d devices, want the wire MAC and the claimed one: %+v", len(ds), ds)
				}
				w, c := deviceOf(t, ds, wire), deviceOf(t, ds, claimed)
				if w.Model != "C200" || !slices.Equal(w.IPs, []netip.Addr{ip}) {
					t.Errorf("wire MAC got %+v, want the camera", w)
				}
				if c.Model != "" || !claimEvidence(c, key) {
					t.Errorf("claimed MAC got %+v, want its binding as evidence only", c)
				}
			})
		})
	}
}

// TestEngineBindingTieBreak: two bindings of one class for one address (an
// address that moved, two ARP senders) give it to the lower MAC in every
// order; so do two claims (the higher, never seen on the wire, folded in).
func TestEngineBindingTieBreak(t *testing.T) {
	low, high := mustMAC(t, "44:19:b6:00:00:01"), mustMAC(t, "44:19:b6:00:00:02")
	ip := netip.MustParseAddr("198.18.0.70")
	for _, key := range []string{"arp.mac", "sadp.mac", "link.ip"} {
		value := func(m MAC) string {
			if key == "link.ip" {
				return ip.String()
			}
			return m.String()
		}
		obs := []Observation{
			{Probe: "x", MAC: high, IP: ip, Key: key, Value: value(high)},
			{Probe: "http", IP: ip, Port: 80, Key: "http.server", Value: "App-webs/"},
			{Probe: "x", MAC: low, IP: ip, Key: key, Value: value(low)},
		}
		t.Run(key, func(t *testing.T) {
			bothOrders(t, obs, func(t *testing.T, e *Engine) {
				ds := e.Devices()
				if d := deviceOf(t, ds, low); !hasEvidence(d, "hikvision.http.server-app-webs") {
					t.Errorf("lower MAC got %+v, want the address's web server", d)
				}
				// Two claims and nothing on the wire: the lower folds the
				// higher in (foldClaims); otherwise it stays, without the page.
				for _, d := range ds {
					if d.MAC == high && hasEvidence(d, "hikvision.http.server-app-webs") {
						t.Errorf("higher MAC got %+v", d)
					}
				}
			})
		})
	}
}

// TestEngineLinkIPSkipsARouter: a gateway (the lower MAC) forwards frames
// from many addresses, one of them also sent from by a host behind no
// router. The address, and its web server, go to the host in either order:
// a router holds no address by link.ip, whatever its MAC sorts as.
func TestEngineLinkIPSkipsARouter(t *testing.T) {
	router, host := mustMAC(t, "00:00:5e:00:01:01"), mustMAC(t, "44:19:b6:00:00:02")
	ip := netip.MustParseAddr("198.18.0.70")
	obs := []Observation{
		{Probe: "x", MAC: host, IP: ip, Key: "link.ip", Value: ip.String()},
		{Probe: "http", IP: ip, Port: 80, Key: "http.server", Value: "App-webs/"},
	}
	for i := range maxLinkIPs + 1 {
		a := netip.AddrFrom4([4]byte{198, 18, 1, byte(i + 1)})
		if i == 0 {
			a = ip
		}
		obs = append(obs, Observation{Probe: "x", MAC: router, IP: a, Key: "link.ip", Value: a.String()})
	}
	bothOrders(t, obs, func(t *testing.T, e *Engine) {
		ds := e.Devices()
		if d := deviceOf(t, ds, host); !hasEvidence(d, "hikvision.http.server-app-webs") {
			t.Errorf("host got %+v, want the address's web server", d)
		}
		for _, d := range ds {
			if d.MAC.IsZero() && slices.Contains(d.IPs, ip) {
				t.Errorf("the address is also a device of its own: %+v", d)
			}
		}
	})
}

// TestEngineRepeatedFactEvidence: a fact seen twice (a host name in a DHCP
// request and in the server's ACK, an ARP binding of two addresses) is kept
// once, with the lowest address, port and probe of its sightings: the same
// evidence in every order.
func TestEngineRepeatedFactEvidence(t *testing.T) {
	mac := mustMAC(t, "b0:c5:54:25:5b:0e")
	ip1, ip2 := netip.MustParseAddr("10.10.10.37"), netip.MustParseAddr("192.168.0.20")
	obs := []Observation{
		{Probe: "pcap", MAC: mac, IP: ip2, Key: "arp.mac", Value: mac.String()},
		{Probe: "pcap", MAC: mac, IP: ip1, Port: 68, Key: "dhcp.hostname", Value: "DCS-8000LH"},
		{Probe: "pcap", MAC: mac, IP: ip1, Key: "arp.mac", Value: mac.String()},
		{Probe: "pcap", MAC: mac, IP: ip1, Key: "dhcp.hostname", Value: "DCS-8000LH"},
	}
	bothOrders(t, obs, func(t *testing.T, e *Engine) {
		d := onlyDevice(t, e)
		for _, ev := range d.Evidence {
			switch {
			case ev.Key == "arp.mac" && ev.Sets != "ip="+ip1.String():
				t.Errorf("ARP evidence %+v, want the lower address", ev)
			case ev.Key == "dhcp.hostname" && ev.Port != 0:
				t.Errorf("host name evidence %+v, want the lower port", ev)
			}
		}
	})
}

// TestEngineValuesOverTheCapAreTheLowest: a device with more values of a key
// than MaxValuesPerKey keeps the lowest ones, whatever their order.
func TestEngineValuesOverTheCapAreTheLowest(t *testing.T) {
	ip := netip.MustParseAddr("198.18.0.80")
	var obs []Observation
	for i := range MaxValuesPerKey + 5 {
		obs = append(obs, Observation{Probe: "dns", IP: ip, Key: "dns.query", Value: string(rune('a'+i)) + ".example.com"})
	}
	obs = append(obs, Observation{Probe: "dhcp", IP: ip, Key: "dhcp.hostname", Value: "b-name"},
		Observation{Probe: "mdns", IP: ip, Key: "dhcp.hostname", Value: "a-name"})
	bothOrders(t, obs, func(t *testing.T, e *Engine) {
		e.mu.Lock()
		st := e.byIP[ip]
		var kept []string
		for _, f := range st.facts {
			if f.Key == "dns.query" {
				kept = append(kept, f.Value)
			}
		}
		e.mu.Unlock()
		slices.Sort(kept)
		if len(kept) != MaxValuesPerKey || kept[0] != "a.example.com" || kept[len(kept)-1] != string(rune('a'+MaxValuesPerKey-1))+".example.com" {
			t.Errorf("kept %v, want the %d lowest", kept, MaxValuesPerKey)
		}
		if d := onlyDevice(t, e); d.Hostname != "a-name" {
			t.Errorf("host name %q, want the lowest of two", d.Hostname)
		}
	})
}

// TestEngineEqualMatchesTieBreak: two firmware versions said the same way
// (an update inside one capture) and two longer forms of one model give the
// same firmware and model in every order: of equal firmware matches, the
// later version (V5.7.3 after V5.6.10, which string order has backwards);
// of extensions, the longest.
func TestEngineEqualMatchesTieBreak(t *testing.T) {
	ip := netip.MustParseAddr("198.18.0.90")
	obs := []Observation{
		{Probe: "sadp", IP: ip, Key: "sadp.model", Value: "DS-2CD2146G2-ISU"},
		{Probe: "sadp", IP: ip, Key: "sadp.firmware", Value: "V5.6.10 build 210106"},
		{Probe: "sadp", IP: ip, Key: "sadp.firmware", Value: "V5.7.3 build 220112"},
		{Probe: "http", IP: ip, Port: 80, Key: "http.server", Value: "App-webs/"},
	}
	var got []string
	bothOrders(t, obs, func(t *testing.T, e *Engine) {
		d := onlyDevice(t, e)
		got = append(got, d.Model+" "+d.Firmware)
	})
	if len(got) != 2 || got[0] != got[1] || !strings.Contains(got[0], "V5.7.3 build 220112") {
		t.Errorf("model and firmware by order: %q, want the same, the later firmware", got)
	}
}

// TestLaterVersion: firmware versions as devices write them order by their
// numbers, not their bytes, and the order is total (never both ways).
func TestLaterVersion(t *testing.T) {
	for _, c := range []struct{ later, earlier string }{
		{"V5.7.17 build 240606", "V5.7.3 build 220112"},
		{"V5.5.0 build 170725", "V5.4.5 build 160810"},
		{"V2.800.0000000.16.R", "V2.622.0000000.31.R"}, // Dahua
		{"V4.30.085 build 220908", "V4.30.85 build 220101"},
		{"3.4.5.10", "3.4.5"},
		{"1.2b", "1.2a"},
	} {
		if !laterVersion(c.later, c.earlier) || laterVersion(c.earlier, c.later) {
			t.Errorf("laterVersion(%q, %q) should be true and its reverse false", c.later, c.earlier)
		}
	}
	// Equal as numbers, told apart by bytes: still one answer.
	if laterVersion("V1.02", "V1.2") == laterVersion("V1.2", "V1.02") {
		t.Error("versions equal as numbers must still order one way")
	}
}

// FuzzLaterVersion: any two strings a device sends order one way, without a
// panic.
func FuzzLaterVersion(f *testing.F) {
	f.Add("V5.7.17 build 240606", "V5.7.3 build 220112")
	f.Add("0001", "1")
	f.Add("", "a")
	f.Fuzz(func(t *testing.T, a, b string) {
		if a != b && laterVersion(a, b) == laterVersion(b, a) {
			t.Errorf("%q and %q order both ways or neither", a, b)
		}
	})
}
