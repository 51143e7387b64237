package audit

import (
	"context"
	"fmt"

	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/store"
)

// SaveAndCompare stores the run and compares it with the site's previous
// complete run; the diff is nil on the site's first run.
func SaveAndCompare(ctx context.Context, st store.Store, site string, res *report.Result) (store.RunSummary, *store.Diff, error) {
	sum, err := st.Save(ctx, store.Run{Site: site, Result: res})
	if err != nil {
		return sum, nil, fmt.Errorf("storing the run: %w", err)
	}
	prev, ok, err := st.Previous(ctx, site, sum.ID)
	if err != nil || !ok {
		return sum, nil, err
	}
	d, err := st.Diff(ctx, prev.ID, sum.ID)
	return sum, d, err
}
