package main

import "github.com/camsweep/camsweep/internal/pcapgen"

// capture is a pcapgen capture that the scenes of this tool extend with
// their own methods (a site, a discovery round, ...).
type capture struct{ *pcapgen.Capture }
