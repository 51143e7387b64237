// Package report renders one camsweep result as a terminal table, versioned
// JSON or CSV, treating every string a device sent as hostile.
package report
