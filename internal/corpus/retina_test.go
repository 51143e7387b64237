package corpus

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
)

// retinaWant is what one recorded RTSP response alone must identify, and why.
type retinaWant struct {
	vendor     string
	kind       fingerprint.Kind
	restricted bool
	why        string
}

// Shorthand for the table below.
const (
	camera = fingerprint.KindCamera
	host   = fingerprint.KindHost
)

// retinaExpect covers every file of testdata/realdata/retina-rtsp (the test
// fails on a file without an entry). A response that carries nothing a
// maker's firmware alone sends must stay unidentified: identification there
// comes from the DESCRIBE of the same camera (TestRetinaFamilies).
var retinaExpect = map[string]retinaWant{
	"hikvision_describe.txt":         {"Hikvision", camera, true, "Content-Base /Streaming/Channels/101/ and the IMKH media header of a Hikvision camera's stream"},
	"hikvision_play.txt":             {"Hikvision", "", true, "Date with two spaces and day before month, as Hikvision's rtspd writes it"},
	"hikvision_setup.txt":            {"Hikvision", "", true, "same two-space Date"},
	"hikvision_setup_ssrc_space.txt": {"", "", false, "only CSeq, Transport and Session: nothing maker-specific"},

	"dahua_describe_h264_aac_onvif.txt": {"Dahua", "", true, "/cam/realmonitor URL and a=packetization-supported:DH"},
	"dahua_describe_h265_pcma.txt":      {"Dahua", "", true, "/cam/realmonitor URL and a=packetization-supported:DH"},
	"dahua_options.txt":                 {"Dahua", "", true, "Server: Rtsp Server/3.0"},
	"dahua_play.txt":                    {"", "", false, "Session, Range and RTP-Info only"},
	"dahua_setup.txt":                   {"", "", false, "x-Dynamic-Rate is Dahua's, but arbitrary headers are not observation keys"},

	"h264dvr_describe.txt":    {"Xiongmai", "", true, "Server: H264DVR 1.0 (Xiongmai-family DVR firmware)"},
	"h264dvr_play.txt":        {"Xiongmai", "", true, "Server: H264DVR 1.0"},
	"h264dvr_setup_audio.txt": {"Xiongmai", "", true, "Server: H264DVR 1.0"},
	"h264dvr_setup_video.txt": {"Xiongmai", "", true, "Server: H264DVR 1.0"},

	"reolink_describe.txt":               {"Reolink", camera, true, "/h264Preview_01_main and s=Session streamed by \"preview\""},
	"reolink_describe_control_first.txt": {"Reolink", camera, true, "same, control attribute first"},
	"reolink_play.txt":                   {"", "", false, "Server: Rtsp Server/2.0 is shared with GW Security and others"},
	"reolink_setup.txt":                  {"", "", false, "Transport and Session only"},
	"reolink_teardown.txt":               {"", "", false, "CSeq only"},

	"gw_main_describe.txt":    {"", camera, false, "GW Security (US reseller, not catalogued): the H264Server session says camera, no maker"},
	"gw_sub_describe.txt":     {"", camera, false, "same"},
	"gw_main_play.txt":        {"", "", false, "RTP-Info only"},
	"gw_main_setup_audio.txt": {"", "", false, "Transport and Session only"},
	"gw_main_setup_video.txt": {"", "", false, "Transport and Session only"},
	"gw_sub_play.txt":         {"", "", false, "RTP-Info only"},
	"gw_sub_setup.txt":        {"", "", false, "Transport and Session only"},

	"longse_unauthorized.txt": {"Longse", camera, true, "Server: Rtsp Server 1920*1080*20*2048"},
	"vstarcam_describe.txt":   {"VStarcam", camera, true, "s=streamed by the VSTARCAM RTSP server"},
	"anjvision_describe.txt":  {"Anjvision", camera, true, "s=RTSP/RTP stream from anjvision ipcamera and the LIVE555 tool line; it also sends the IMKH header, which must not make it Hikvision"},
	"anpviz_sdp.txt":          {"Anjvision", camera, true, "Anpviz-branded Anjvision camera: same session and tool lines"},
	"foscam_describe.txt":     {"Foscam", camera, true, "/videoMain"},
	"tplink_sdp.txt":          {"TP-Link", camera, true, "s=Session streamed by \"TP-LINK RTSP Server\" (TP-Link camera: PRC maker, surveillance kind)"},
	"geovision_sdp.txt":       {"Uniview", camera, true, "s=VCP IPC Realtime stream with DecoderTag=h3c-v3: Uniview's firmware, on a camera retina calls GeoVision (GeoVision relabels Uniview-made cameras); the maker behind it is Uniview"},
	"ubiquiti_sdp.txt":        {"Ubiquiti", camera, false, "s=<MAC>_0 of UniFi Protect cameras; US maker"},
	"ipcam_describe.txt":      {"", camera, false, "a no-name camera (manufacturer IPCAM, firmware V13.1.48) whose SDP carries Hikvision's IMKH media header: a camera stream, but nothing names a maker, so it must not be called Hikvision"},
	"macrovideo_describe.txt": {"Macro-Video", camera, true, "s=streamed by the macro-video rtsp server: the V380 maker's RTSP server names it"},

	"laureii_play.txt":                  {"", "", false, "RTP-Info only"},
	"luckfox_rkipc_setup_tcp.txt":       {"", "", false, "Rockchip SDK board, Transport and Session only"},
	"luckfox_rkipc_setup_udp.txt":       {"", "", false, "Rockchip SDK board, Transport and Session only"},
	"missing_content_type_describe.txt": {"", "", false, "libavformat (ffmpeg) server: not a camera maker"},

	"bunny_describe.txt": {"Wowza", host, false, "Wowza Streaming Engine: a media server, not a camera"},
	"bunny_play.txt":     {"Wowza", host, false, "Wowza Streaming Engine"},
	"bunny_setup.txt":    {"Wowza", host, false, "Wowza Streaming Engine"},
	"bad_rtptime.txt":    {"Wowza", host, false, "Wowza Streaming Engine"},
}

// retinaKnownBugs are files where the engine's answer is known to be wrong
// (the expectation above is the right one), with the bug. The test logs them
// and fails when one starts passing, so a fix removes its entry.
var retinaKnownBugs = map[string]string{}

func readRetina(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(testdata("realdata", "retina-rtsp", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no retina responses under testdata/realdata/retina-rtsp (%v)", err)
	}
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = string(b)
	}
	return out
}

func TestRetinaResponses(t *testing.T) {
	p := newPipeline(t)
	responses := readRetina(t)
	for name := range retinaExpect {
		if _, ok := responses[name]; !ok {
			t.Errorf("%s: expected file is missing from testdata/realdata/retina-rtsp", name)
		}
	}
	var names []string
	for name := range responses {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		want, ok := retinaExpect[name]
		if !ok {
			t.Errorf("%s: no expectation in retinaExpect", name)
			continue
		}
		d := p.identify(t, decodeStream(t, "rtsp.response", responses[name], 554)...)
		right := d.Vendor == want.vendor && d.Kind == want.kind && d.Restricted == want.restricted
		if knownIssue(t, retinaKnownBugs, name, right, describe(d)) {
			continue
		}
		if !right {
			t.Errorf("%s: want vendor=%s kind=%s restricted=%v (%s); got %s",
				name, q(want.vendor), q(string(want.kind)), want.restricted, want.why, describe(d))
		}
	}
}

// TestRetinaFamilies feeds every response of one recorded session to one
// engine, as a capture of the whole exchange would: the session's maker
// must come out even though most single responses name none.
func TestRetinaFamilies(t *testing.T) {
	p := newPipeline(t)
	responses := readRetina(t)
	families := []struct {
		prefix     string
		vendor     string
		kind       fingerprint.Kind
		restricted bool
	}{
		{"hikvision_", "Hikvision", camera, true},
		{"dahua_", "Dahua", "", true},
		{"h264dvr_", "Xiongmai", "", true},
		{"reolink_", "Reolink", camera, true},
		{"gw_main_", "", camera, false},
		{"gw_sub_", "", camera, false},
		{"bunny_", "Wowza", host, false},
	}
	for _, f := range families {
		var obs []fingerprint.Observation
		for name, body := range responses {
			if strings.HasPrefix(name, f.prefix) {
				obs = append(obs, decodeStream(t, "rtsp.response", body, 554)...)
			}
		}
		if len(obs) == 0 {
			t.Fatalf("family %s: no observations", f.prefix)
		}
		d := p.identify(t, obs...)
		if d.Vendor != f.vendor || d.Kind != f.kind || d.Restricted != f.restricted {
			t.Errorf("family %s*: want vendor=%s kind=%s restricted=%v; got %s", f.prefix, q(f.vendor), q(string(f.kind)), f.restricted, describe(d))
		}
	}
}
