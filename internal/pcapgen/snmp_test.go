package pcapgen

import (
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// The messages built here read back through camsweep's own SNMP decoder as
// the values they were built from; a long value takes the long length form.
func TestSNMPMessagesReadBack(t *testing.T) {
	long := strings.Repeat("x", 300)
	read := func(msg []byte) map[string]string {
		got := map[string]string{}
		err := discovery.SNMP(msg, scanner.Meta{}, func(o observe.Observation) { got[o.Key] = o.Value })
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := read(SNMPv2cResponse([]SNMPVar{
		{Name: "1.3.6.1.2.1.1.1.0", Text: long},
		{Name: "1.3.6.1.2.1.1.2.0", OIDValue: "1.3.6.1.4.1.1004849.3.2.10"},
		{Name: "1.3.6.1.4.1.39165.1.1.0", Text: "DS-2CD2185FWD-I"},
		{Name: "not an oid", Text: "dropped"},
	}))
	if got["snmp.sys_descr"] != long || got["snmp.sys_object_id"] != "1.3.6.1.4.1.1004849.3.2.10" ||
		got["snmp.private"] != "1.3.6.1.4.1.39165.1.1.0=DS-2CD2185FWD-I" || len(got) != 3 {
		t.Errorf("response read back as %v", got)
	}
	got = read(SNMPv2cTrap("1.3.6.1.4.1.368.0.1", nil))
	if got["snmp.trap_oid"] != "1.3.6.1.4.1.368.0.1" || len(got) != 1 {
		t.Errorf("trap read back as %v", got)
	}
}
