package main

// requireLinux: everything runs here.
func requireLinux(string) error { return nil }
