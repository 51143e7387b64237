package main

import (
	"bytes"
	"encoding/binary"

	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// xmCam is the Besder 6024PB-XMA501 (Xiongmai XM530) camera of
// testdata/realdata/besder-xiongmai, its MAC from the AltoBeam block (its
// Wi-Fi chip's maker, per the investigator's README).
var xmCam = pcapgen.NewHost("20:98:ed:3c:51:0b", "10.20.0.32")

// dvripPort is where a user moved the camera's DVRIP service in the second
// session (the firmware's NetWork.NetCommon TCPPort is settable): the
// protocol must be known by its frames there.
const dvripPort = 34600

// dvripScene writes a CMS on the workstation logging in to the camera over
// DVRIP and asking for SystemInfo and SystemFunction, once on 34567 and once
// on dvripPort. The requests follow python-dvr's (the empty password's hash
// tlJwpbo6); the answers are the camera's real JSON bodies behind
// CONSTRUCTED headers (realdata SOURCES.md, besder-xiongmai).
func dvripScene(p *payloads) func(*capture) {
	return func(c *capture) {
		for i, port := range []uint16{34567, dvripPort} {
			c.Dialogue(workstation, xmCam, 50071+uint16(i), port, [][2][]byte{
				{dvripRequest(1000, 0, `{"EncryptType":"MD5","LoginType":"DVRIP-Web","PassWord":"tlJwpbo6","UserName":"admin"}`), dvripAnswer(1001, 1, p.xmLogin)},
				{dvripRequest(1020, 6, `{"Name":"SystemInfo","SessionID":"0x00000006"}`), dvripAnswer(1021, 6, p.xmSystemInfo)},
				{dvripRequest(1360, 6, `{"Name":"SystemFunction","SessionID":"0x00000006"}`), dvripAnswer(1361, 6, p.xmSystemFunction)},
			})
		}
	}
}

// dvripRequest frames a client's JSON request: version 0, as python-dvr
// sends it, the body ending "\n\0".
func dvripRequest(msgID uint16, session uint32, body string) []byte {
	return dvripFrame(0, msgID, session, []byte(body))
}

// dvripAnswer frames a device's JSON answer: version 1 and the session id
// the answer names.
func dvripAnswer(msgID uint16, session uint32, body []byte) []byte {
	return dvripFrame(1, msgID, session, bytes.TrimSpace(body))
}

func dvripFrame(version byte, msgID uint16, session uint32, body []byte) []byte {
	frame := discovery.XMFrame(msgID, append(append([]byte(nil), body...), '\n', 0))
	frame[1] = version
	binary.LittleEndian.PutUint32(frame[4:], session)
	return frame
}
