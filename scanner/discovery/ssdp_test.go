package discovery

import (
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

// D-Link DCS-935L NOTIFYs (realdata §1), white space inside SERVER kept.
func TestSSDPNotifyFromCapture(t *testing.T) {
	obs, rejected := decodeCapture(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")
	if rejected != 0 {
		t.Errorf("%d datagrams rejected", rejected)
	}
	camera := netip.MustParseAddr("10.10.10.37")
	wantValue(t, obs, camera, "ssdp.server", "Linux,    UPnP/1.0 DCS-935L/1.0")
	wantValue(t, obs, camera, "ssdp.nt", "hnap:NetworkCamera")
	wantValue(t, obs, camera, "ssdp.nt", "urn:schemas-upnp-org:device:DCS-935L:1")
	wantValue(t, obs, camera, "ssdp.location", "http://10.10.10.37:50510/")
	wantValue(t, obs, camera, "ssdp.location", "https://10.10.10.37/HNAP1/")
	wantValue(t, obs, camera, "ssdp.usn", "uuid:b0c554255b0e-0::upnp:rootdevice")
}

// DCS-930L (realdata §1) announces from port 3084 to 1900, and sends an
// M-SEARCH of its own: a search is not a statement about the searcher.
func TestSSDPSearchIsNotADevice(t *testing.T) {
	obs, _ := decodeCapture(t, "iot-sentinel/D-LinkDayCam_Setup-A-1-STA.pcap")
	camera := netip.MustParseAddr("10.10.10.58")
	wantValue(t, obs, camera, "ssdp.server", "Cellvision UPnP/1.0")
	wantValue(t, obs, camera, "ssdp.location", "http://10.10.10.58:8614/rootdesc.xml")
	if got := values(obs, camera, "ssdp.st"); len(got) != 0 {
		t.Errorf("M-SEARCH target reported as the camera's: %q", got)
	}
}

func TestSSDPEdimaxFromCapture(t *testing.T) {
	obs, _ := decodeCapture(t, "iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap")
	camera := netip.MustParseAddr("10.10.10.51")
	wantValue(t, obs, camera, "ssdp.server", "Embedded UPnP/1.0")
	wantValue(t, obs, camera, "ssdp.location", "http://10.10.10.51:80/IPCamDesc.xml")
	wantValue(t, obs, camera, "ssdp.usn", "uuid:upnp-BasicDevice-1_0-74DA38807A08::upnp:rootdevice")
}

// An M-SEARCH response (constructed from the DCS-930L NOTIFY headers above,
// as a unicast 200 reply) carries ST instead of NT; header names are
// case-insensitive and LF-only line ends are accepted.
func TestSSDPSearchResponse(t *testing.T) {
	reply := "HTTP/1.1 200 OK\nCache-Control: max-age=1800\nst: upnp:rootdevice\nServer: Cellvision UPnP/1.0\nusn: uuid:ae67e622-7a66-465e-bab0-b0c5541c7185::upnp:rootdevice\nLocation: http://10.10.10.58:8614/rootdesc.xml\n\n"
	obs, err := decode(SSDP, []byte(reply), scanner.Meta{SrcIP: netip.MustParseAddr("10.10.10.58")})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "ssdp.st", "upnp:rootdevice")
	wantValue(t, obs, noAddr, "ssdp.server", "Cellvision UPnP/1.0")
	if len(obs) != 4 {
		t.Errorf("want 4 observations, got %+v", obs)
	}
	if _, err := decode(SSDP, []byte("GET / HTTP/1.1\r\n\r\n"), scanner.Meta{}); err == nil {
		t.Error("an HTTP request was accepted as SSDP")
	}
}

// Philips Hue bridge (realdata §1, a negative control): its own SSDP
// announcement with a vendor header the decoder does not read.
func TestSSDPHueFromCapture(t *testing.T) {
	obs, _ := decodeCapture(t, "iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap")
	hue := netip.MustParseAddr("10.10.10.6")
	wantValue(t, obs, hue, "ssdp.server", "Linux/3.14.0 UPnP/1.0 IpBridge/1.9.0")
	wantValue(t, obs, hue, "ssdp.location", "http://10.10.10.6:80/description.xml")
	wantValue(t, obs, hue, "ssdp.nt", "urn:schemas-upnp-org:device:basic:1")
}

// A TVT search answer: the <multicastSearchResult> body alone, or behind an
// SSDP answer's head, describes its sender and names its own MAC and
// address.
func TestSSDPSearchResultBody(t *testing.T) {
	body := readTestdata(t, "ssdp_tvt_search_result_pytvt.xml")
	head := []byte("HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:service:EmbeddedNetDeviceControl:1\r\nCONTENT-TYPE: text/xml\r\n\r\n")
	own := netip.MustParseAddr("192.168.1.50")
	for _, payload := range [][]byte{body, append(head, body...)} {
		obs, err := decode(SSDP, payload, scanner.Meta{Probe: "ssdp"})
		if err != nil {
			t.Fatal(err)
		}
		for key, value := range map[string]string{"ssdp.search_result": "multicastSearchResult", "ssdp.product_model": "TD-3332B4",
			"ssdp.product_series": "N9000", "ssdp.software_version": "V5.2.0", "ssdp.device_name": "NVR-Front"} {
			if o := single(t, obs, key); o.Value != value || o.IP != own {
				t.Errorf("%s = %+v, want %q about %v", key, o, value, own)
			}
		}
		if b := single(t, obs, "ssdp.mac"); b.MAC != mustMAC(t, "58:5b:69:11:22:33") || b.IP != own {
			t.Errorf("binding = %+v", b)
		}
	}
	// Other XML is not a search result; a head with another body keeps its headers.
	if _, err := decode(SSDP, readTestdata(t, "upnp_description_constructed.xml"), scanner.Meta{}); err == nil {
		t.Error("a UPnP description was read as a search result")
	}
	obs, err := decode(SSDP, []byte("HTTP/1.1 200 OK\r\nSERVER: Linux UPnP/1.0\r\n\r\n<root/>"), scanner.Meta{})
	if err != nil || len(obs) != 1 || obs[0].Key != "ssdp.server" {
		t.Errorf("err %v, observations %+v", err, obs)
	}
}
