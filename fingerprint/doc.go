// Package fingerprint turns observations seen on the wire into identified
// devices: it merges observations per device, runs the embedded signature
// database and the OUI registry over them, and says which maker, brand, model,
// firmware and kind each device is, with the evidence that led there.
//
// Vendor knowledge lives only in data (data/vendors.yaml and
// data/signatures/*.yaml, format in docs/signatures.md); the Go code knows
// no vendor by name.
package fingerprint
