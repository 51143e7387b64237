// Command camsweep finds surveillance cameras, NVRs and DVRs made by vendors
// subject to the PRC National Intelligence Law, identifies them with evidence,
// and flags those on networks the operator marks as core or sensitive.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
