package discovery

import "encoding/json"

// dhipAnswerField is one member of an answer's params (a path into nested
// objects) and the key it is emitted as: the keys the discovery reply's
// fields are emitted as, so the same signatures read them.
type dhipAnswerField struct {
	path []string
	key  string
	// read, when set, turns the member's text into the emitted value ("":
	// nothing is emitted); otherwise the text is emitted as it is.
	read func(string) string
}

// dhipAnswerFields are the identity answers read, by the method asked. The
// device type of magicBox.getSystemInfo is not read: recorders answer a
// numeric type code there, not their model (getDeviceType gives that). The
// first global.login of a session is answered with a challenge (error
// 268632079 or 401) whose realm the client hashes the password with: the
// device's own words, "Login to <serial>" on most firmware, a model, a brand
// or an MD5 hex string on others; the data decides what it names. Many
// also name their MAC there (dhip.challenge_mac). Its random, session and
// authorization are not read.
var dhipAnswerFields = map[string][]dhipAnswerField{
	"global.login":                {{[]string{"realm"}, "dhip.realm", nil}, {[]string{"mac"}, "dhip.challenge_mac", MACText}},
	"magicBox.getDeviceType":      {{[]string{"type"}, "dhip.model", nil}},
	"magicBox.getDeviceClass":     {{[]string{"type"}, "dhip.device_class", nil}},
	"magicBox.getSerialNo":        {{[]string{"sn"}, "dhip.serial", nil}},
	"magicBox.getSoftwareVersion": {{[]string{"version", "Version"}, "dhip.firmware", nil}},
	"magicBox.getVendor":          {{[]string{"Vendor"}, "dhip.vendor", nil}},
	"magicBox.getMachineName":     {{[]string{"name"}, "dhip.machine_name", nil}},
	"magicBox.getSystemInfo":      {{[]string{"serialNumber"}, "dhip.serial", nil}},
}

// ReadDHIPAnswer passes add the key and value of each identity field of
// params, the params of an answer to method: dhip.model, dhip.device_class,
// dhip.serial, dhip.firmware, dhip.vendor, dhip.machine_name, and the login
// challenge's dhip.realm and dhip.challenge_mac. A field the params lack
// gives "". Other methods give nothing. The session decoders
// (scanner/service) know the method from the request an answer shares its
// id with; an answer recorded alone is read by its shape (dhipAloneAnswer).
func ReadDHIPAnswer(method string, params json.RawMessage, add func(key, value string)) {
	for _, f := range dhipAnswerFields[method] {
		add(f.key, f.text(params))
	}
}

// text is the field's value in params: the member at its path, as text.
func (f dhipAnswerField) text(params json.RawMessage) string {
	value := params
	for _, member := range f.path {
		var obj map[string]json.RawMessage
		if json.Unmarshal(value, &obj) != nil {
			value = nil
			break
		}
		value = obj[member]
	}
	text := scalarText(value)
	if f.read != nil {
		text = f.read(text)
	}
	return text
}
