package live

import "testing"

// The hardware type is read from sysfs, and only for a plain interface name.
func TestInterfaceType(t *testing.T) {
	if got := interfaceType("lo"); got != 772 { // ARPHRD_LOOPBACK
		t.Errorf("lo: %d", got)
	}
	for _, name := range []string{"", ".", "..", "../lo", "lo/..", "no-such-if0"} {
		if got := interfaceType(name); got != -1 {
			t.Errorf("%q: %d", name, got)
		}
	}
}
