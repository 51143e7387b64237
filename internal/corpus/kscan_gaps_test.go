package corpus

// kscanGaps are the PRC-maker device entries of kscan's fingerprints
// (testdata/corpus/kscan) the engine does not name, each with its class of
// reason; they join ruleGaps, so one that starts passing fails the test.
// kscan's list is largely Goby's rules with the field each text is tested in
// (Title, Body, Header, Response, Cert), kept lower-cased: most of its gaps
// are Goby's (gobyGap), and a few are texts whose letter case no public
// source gives.
var kscanGaps = map[string]string{
	"kscan:static/fingerprint.txt:10568":   gobyGap["xiongmai"],
	"kscan:static/fingerprint.txt:10569#1": kscanGap["hipcam"],
	"kscan:static/fingerprint.txt:10845":   gobyGap["kedacom"],
	"kscan:static/fingerprint.txt:12947":   gobyGap["uniview-platform"],
	"kscan:static/fingerprint.txt:12948":   gobyGap["uniview-platform"],
	"kscan:static/fingerprint.txt:13738":   gobyGap["uniview-family"],
	"kscan:static/fingerprint.txt:14828":   gobyGap["bare-model"],
	"kscan:static/fingerprint.txt:14898":   gobyGap["tiandy"],
	"kscan:static/fingerprint.txt:15362":   gobyGap["ezviz"],
	"kscan:static/fingerprint.txt:16614":   gobyGap["foscam"],
	"kscan:static/fingerprint.txt:2744":    gobyGap["hik-page"],
	"kscan:static/fingerprint.txt:5120":    kscanGap["hik-ids"],
	"kscan:static/fingerprint.txt:5122":    gobyGap["hik-page"],
	"kscan:static/fingerprint.txt:5140":    gobyGap["hik-page"],
	"kscan:static/fingerprint.txt:5141":    kscanGap["netvideoocx"],
	"kscan:static/fingerprint.txt:5151":    gobyGap["hik-page"],
	"kscan:static/fingerprint.txt:5152":    gobyGap["hik-page"],
	"kscan:static/fingerprint.txt:5988":    gobyGap["dahua-word"],
	"kscan:static/fingerprint.txt:8424":    kscanGap["foscam-cgi"],
	"kscan:static/fingerprint.txt:8768":    gobyGap["kedacom"],
	"kscan:static/fingerprint.txt:8770":    gobyGap["kedacom"],
	"kscan:static/fingerprint.txt:8771":    gobyGap["kedacom"],
	"kscan:static/fingerprint.txt:8773":    gobyGap["kedacom"],
	"kscan:static/fingerprint.txt:8775":    gobyGap["kedacom"],
	"kscan:static/fingerprint.txt:8782#1":  kscanGap["uniview-cn-name"],
	"kscan:static/fingerprint.txt:8784":    gobyGap["uniview-page"],
	"kscan:static/fingerprint.txt:8785":    gobyGap["uniview-family"],
	"kscan:static/fingerprint.txt:8790":    gobyGap["uniview-family"],
	"kscan:static/fingerprint.txt:8791":    gobyGap["uniview-page"],
	"kscan:static/fingerprint.txt:8794#1":  kscanGap["lower-model"],
	"kscan:static/fingerprint.txt:8794#2":  kscanGap["lower-model"],
	"kscan:static/fingerprint.txt:8794#3":  kscanGap["lower-model"],
	"kscan:static/fingerprint.txt:8794#4":  kscanGap["lower-model"],
	"kscan:static/fingerprint.txt:8796":    kscanGap["uniview-platform-title"],
	"kscan:static/fingerprint.txt:8797":    kscanGap["uniser"],
	"kscan:static/fingerprint.txt:8800":    gobyGap["uniview-page"],
	"kscan:static/fingerprint.txt:8802":    kscanGap["uniview-platform-title"],
	"kscan:static/fingerprint.txt:8803":    gobyGap["uniview-family"],
	"kscan:static/fingerprint.txt:8807":    gobyGap["uniview-page"],
	"kscan:static/fingerprint.txt:9464":    gobyGap["tiandy"],
	"kscan:static/fingerprint.txt:9868":    gobyGap["kedacom"],
	"kscan:static/fingerprint.txt:9869":    gobyGap["kedacom"],
}

// kscanGap are the classes of reason Goby's list does not already give.
var kscanGap = map[string]string{
	"hipcam": "hiipcam/v100r003, the start of the RTSP Server header of HiSilicon's camera SDK (HiIpcam/V100R003 VodServer/1.0.0, read by " +
		"hisilicon.yaml) lower-cased and tested anywhere in the answer: as page text it names nothing",
	"hik-ids": "two element ids of a login page (divPswStrength, divAnonymous) that no second public rule set or capture ties to Hikvision " +
		"(no hit in the public code-search index)",
	"netvideoocx": "NetVideoOCX, an ActiveX name other makers' pages and firmware use too: a vehicle platform's page (code index file " +
		"5583768592), a DM365 camera's start script (5742767815), an object of another class id (589394956)",
	"foscam-cgi": "Boa with an iframe to login.htm and get_status.cgi, the CGI interface of the MJPEG camera family that Foscam and " +
		"its clones (Wansview, Apexis, ...) share: naming Foscam on it would restrict the clones' makers' devices",
	"uniview-cn-name": "宇视 alone, the short Chinese name other pages carry too (a near-miss of uniview.web.body-name, which reads 宇视科技)",
	"lower-model": "a Uniview HIC model the list keeps lower-cased, anywhere in the answer (the alternatives of an SNMP rule); Uniview writes " +
		"its models in capitals, as uniview.web.body-model-mention reads them, and no public source gives these in the device's case",
	"uniview-platform-title": "a platform page title (国标配置系统, a GB/T 28181 configuration system; 公安图像应用平台, a police image " +
		"platform) under a device rule's name",
	"uniser": "server: uniser, lower-cased by the list; no public capture gives the header in the case Uniview's devices send it",
}

func init() {
	for rule, why := range kscanGaps {
		ruleGaps[rule] = why
	}
}
