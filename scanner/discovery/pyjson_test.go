package discovery

import (
	"slices"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
)

// DahuaConsole's answers to magicBox calls as its Python 2 log prints
// them, pasted in mcw0/Tools issue #8 (an EZ-IP camera, Dahua's budget
// brand).
var ezipPrinted = []string{
	`{u'session': u'528b1ab7bb23f2877010495', u'params': {u'type': u'IPC-D2B20-ZS'}, u'result': True, u'id': 6}`,
	`{u'session': u'528b1ab7bb23f2877010495', u'params': {u'Vendor': u'EZIP'}, u'result': True, u'id': 8}`,
}

func TestPythonJSON(t *testing.T) {
	got, ok := PythonJSON(ezipPrinted[0])
	if want := `{"session": "528b1ab7bb23f2877010495", "params": {"type": "IPC-D2B20-ZS"}, "result": true, "id": 6}`; !ok || string(got) != want {
		t.Errorf("got %s, %v", got, ok)
	}
	for _, text := range []string{
		`print(dahua.request(method="magicBox.getSerialNo"))`, // the request's code, no dict
		`{u'a': u'b'`,     // cut off
		`{'x': set([1])}`, // a Python value JSON has not
		`{'name': 'Light Panels', 'serialNo': 'S17072A2725', 'firmwareVersion': 'x` + "\n" + `'}`,
	} {
		if got, ok := PythonJSON(text); ok {
			t.Errorf("%q read as JSON: %s", text, got)
		}
	}
	m := scanner.Meta{Probe: "identify"}
	var keys []string
	for _, text := range ezipPrinted {
		d, _ := ByRawKey("dhip.payload")
		if err := d([]byte(text), m, func(o fingerprint.Observation) { keys = append(keys, o.Key+"="+o.Value) }); err != nil {
			t.Errorf("%s: %v", text, err)
		}
	}
	for _, want := range []string{"dhip.model=IPC-D2B20-ZS", "dhip.vendor=EZIP"} {
		if !slices.Contains(keys, want) {
			t.Errorf("no %s in %v", want, keys)
		}
	}
}

func FuzzPythonJSON(f *testing.F) {
	for _, s := range ezipPrinted {
		f.Add(s)
	}
	f.Add(`{u'x': u'\xe9\u00e9', 'y': [None, False, 1.5e3], b"z": r'\\'}`)
	f.Fuzz(func(t *testing.T, text string) {
		PythonJSON(text)
	})
}
