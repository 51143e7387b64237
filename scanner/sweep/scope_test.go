package sweep

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParseTargets(t *testing.T) {
	got, err := ParseTargets("10.20.0.0/22, 10.30.5.0/24,198.18.0.7")
	if err != nil || len(got) != 3 || got[2] != netip.MustParsePrefix("198.18.0.7/32") {
		t.Fatalf("ParseTargets = %v, %v", got, err)
	}
	if got, _ := ParseTargets("10.20.1.9/22"); got[0] != netip.MustParsePrefix("10.20.0.0/22") {
		t.Errorf("prefix not masked: %v", got)
	}
	for _, bad := range []string{"", "10.0.0.0/33", "example.com", "fe80::/64", ","} {
		if _, err := ParseTargets(bad); err == nil {
			t.Errorf("ParseTargets(%q) accepted", bad)
		}
	}
}

func TestCheckScope(t *testing.T) {
	tests := []struct {
		targets     string
		allowPublic bool
		want        int
		err         string
	}{
		{"10.20.0.0/22,10.30.5.0/24", false, 1024 + 256, ""},
		{"198.18.0.0/24", false, 256, ""},
		{"8.8.8.0/24", false, 0, "--allow-public"},
		{"8.8.8.0/24", true, 256, ""},
		{"172.15.0.0/16", false, 0, "--allow-public"}, // just outside 172.16/12
		{"10.0.0.0/8", false, 0, "larger than a /12"},
		{"10.0.0.0/12,10.16.0.0/12", false, 0, "split the sweep"},
		{"10.0.0.0/16", false, 1 << 16, ""},
	}
	for _, tt := range tests {
		p, err := ParseTargets(tt.targets)
		if err != nil {
			t.Fatal(err)
		}
		n, err := CheckScope(p, tt.allowPublic)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("CheckScope(%s) err = %v, want %q", tt.targets, err, tt.err)
			}
			continue
		}
		if err != nil || n != tt.want {
			t.Errorf("CheckScope(%s) = %d, %v; want %d", tt.targets, n, err, tt.want)
		}
	}
}

func TestHostsAndBroadcast(t *testing.T) {
	h := hosts(netip.MustParsePrefix("198.18.0.0/24"))
	if len(h) != 254 || h[0].String() != "198.18.0.1" || h[253].String() != "198.18.0.254" {
		t.Errorf("hosts(/24) = %d from %v to %v", len(h), h[0], h[len(h)-1])
	}
	if h := hosts(netip.MustParsePrefix("198.18.0.9/32")); len(h) != 1 {
		t.Errorf("hosts(/32) = %v", h)
	}
	if b := broadcast(netip.MustParsePrefix("198.18.0.0/15")); b.String() != "198.19.255.255" {
		t.Errorf("broadcast = %v", b)
	}
}

func TestScopeFunc(t *testing.T) {
	seg := &Segment{Addr: netip.MustParseAddr("198.18.0.1"), Prefix: netip.MustParsePrefix("198.18.0.0/24")}
	r := &run{cfg: Config{Segment: seg}}
	in := r.scopeFunc()
	if !in(netip.MustParseAddr("198.18.0.20")) || in(netip.MustParseAddr("198.18.1.20")) || in(seg.Addr) {
		t.Error("segment scope wrong")
	}
	r.cfg.Targets = []netip.Prefix{netip.MustParsePrefix("198.18.0.16/28")}
	in = r.scopeFunc()
	if !in(netip.MustParseAddr("198.18.0.20")) || in(netip.MustParseAddr("198.18.0.40")) {
		t.Error("targets do not narrow the segment")
	}
}
