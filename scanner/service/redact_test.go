package service

import "testing"

func TestRedactURL(t *testing.T) {
	cases := map[string]string{
		"rtsp://admin:12345@198.18.0.10:554/Streaming/Channels/101":        "rtsp://198.18.0.10:554/Streaming/Channels/101",
		"/cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=admin&pwd=secret":     "/cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=REDACTED&pwd=REDACTED",
		"rtsp://cam/cam/realmonitor?channel=1&subtype=0&User=a&Password=b": "rtsp://cam/cam/realmonitor?channel=1&subtype=0&User=REDACTED&Password=REDACTED",
		// real URLs from the retina captures stay as they are
		"rtsp://192.168.5.111:554/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif/": "rtsp://192.168.5.111:554/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif/",
		"/doc/page/login.asp?_1": "/doc/page/login.asp?_1",
		"/a@b/c":                 "/a@b/c",
		// Xiongmai-family paths carry the password in the path itself
		"rtsp://198.18.0.10:554/user=admin&password=tlJwpbo6&channel=1&stream=0.sdp?real_stream": "rtsp://198.18.0.10:554/user=admin&password=REDACTED&channel=1&stream=0.sdp?real_stream",
		"rtsp://198.18.0.10:554/user=admin_password=tl_Jw_channel=1_stream=0.sdp":                "rtsp://198.18.0.10:554/user=admin_password=REDACTED_channel=1_stream=0.sdp",
	}
	for in, want := range cases {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRequestCredentialsNotEmitted runs the redaction through the decoders.
func TestRequestCredentialsNotEmitted(t *testing.T) {
	obs, _ := collect(t, DecodeRTSP, []byte("DESCRIBE rtsp://admin:hunter2@cam/live RTSP/1.0\r\nCSeq: 1\r\n\r\n"),
		[]byte("RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n\r\n"), cameraMeta)
	if !hasValue(obs, "rtsp.url", "rtsp://cam/live") {
		t.Errorf("rtsp.url %q", valuesOf(obs, "rtsp.url"))
	}
	obs, _ = collect(t, DecodeHTTP, []byte("GET /snapshot.cgi?loginuse=admin&loginpas=hunter2 HTTP/1.0\r\n\r\n"),
		[]byte("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), webMeta)
	if !hasValue(obs, "http.path", "/snapshot.cgi?loginuse=REDACTED&loginpas=REDACTED") {
		t.Errorf("http.path %q", valuesOf(obs, "http.path"))
	}
}
