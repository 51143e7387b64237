//go:build linux

package camsim

import (
	"embed"
	"io/fs"
)

// data holds the profiles and response files, so that an installed binary
// (camsweep demo) has its simulated devices without the source tree.
//
//go:embed data
var data embed.FS

// Data is the built-in profiles and their responses: LoadProfiles(Data(), ".").
func Data() fs.FS {
	sub, err := fs.Sub(data, "data")
	if err != nil {
		panic(err) // "data" is embedded above: this cannot fail
	}
	return sub
}
