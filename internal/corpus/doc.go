// Package corpus holds the identification regression corpus: tests that run
// real recorded device strings (recog examples, retina RTSP responses,
// Hikvision ISAPI device data, Shadowserver DHIP rows, IEEE OUI blocks)
// through the real decoders and fingerprint engine and assert precision and
// recall. It has no exported API; the data lives in testdata/corpus and, for
// real data shared with other packages, testdata/realdata.
package corpus
