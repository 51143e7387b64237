// Package store keeps the history of audit runs (SQLite by default,
// PostgreSQL for many sensors writing to one place) and compares runs.
//
// A run is written in one transaction, so a crash or kill mid-write leaves the
// earlier history intact. Devices are matched across runs by MAC, then serial,
// then model and IP, never by IP alone: DHCP moves devices.
package store
