package report

import (
	"io"
	"os"
	"strings"

	"github.com/rivo/uniseg"
	"golang.org/x/term"
)

// TableOptions say how the terminal table is laid out for its reader.
type TableOptions struct {
	// Width is the number of terminal columns the rows must fit in; 0 means
	// no limit (a file or pipe keeps every value as Clean bounded it).
	Width int
	// Color marks severities with ANSI colour. Only for a terminal: the
	// severity is always written as a word too, so colour is never the only signal.
	Color bool
}

// TerminalOptions returns the layout for w: its width and colour when w is a
// terminal (colour unless NO_COLOR is set or TERM is "dumb"), no limit and no
// colour for anything else, so escape codes never reach a file or pipe.
func TerminalOptions(w io.Writer) TableOptions {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return TableOptions{}
	}
	var o TableOptions
	if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
		o.Width = width
	}
	o.Color = colorWanted(os.Getenv)
	return o
}

// colorWanted follows https://no-color.org: a non-empty NO_COLOR turns colour
// off; so does a terminal that says it cannot show it.
func colorWanted(getenv func(string) string) bool {
	return getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// displayWidth is how many terminal columns s takes: East Asian wide
// characters take two, combining marks none.
func displayWidth(s string) int { return uniseg.StringWidth(s) }

// truncateWidth cuts s to at most width columns, whole grapheme clusters only,
// ending in "…" when anything was cut.
func truncateWidth(s string, width int) string {
	if displayWidth(s) <= width {
		return s
	}
	if width <= 0 {
		return ""
	}
	var b strings.Builder
	used := 0
	state := -1
	rest := s
	for len(rest) > 0 {
		var cluster string
		var w int
		cluster, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if used+w > width-1 { // keep one column for the ellipsis
			break
		}
		b.WriteString(cluster)
		used += w
	}
	return b.String() + "…"
}

// grid is a table of cleaned cells laid out by display width. Columns marked
// fixed (addresses, severities) are never cut: an operator must be able to
// find the device. The others share what is left of the width.
type grid struct {
	fixed []bool
	// dropOrder lists the columns that may be left out, first to go first,
	// when the terminal cannot show every column at a readable width.
	dropOrder []int
	rows      [][]string
	// markers are suffixes of column 0 (the restricted "!", the review "?")
	// kept when the cell is cut.
	markers []string
	// paint colours a cell after it is padded; nil for plain text.
	paint map[[2]int]string
	// cutNote, when set, is said under the rows when a cell of the last
	// column was cut to fit.
	cutNote string
}

const (
	gridIndent = "  "
	gridGap    = 2
)

func newGrid(fixed ...bool) *grid { return &grid{fixed: fixed} }

// droppable sets the columns that may be hidden on a narrow terminal, in order.
func (g *grid) droppable(cols ...int) *grid {
	g.dropOrder = cols
	return g
}

func (g *grid) add(cells ...string) { g.rows = append(g.rows, cells) }

// addPainted adds a row whose cell col is shown in the ANSI colour sgr.
func (g *grid) addPainted(col int, sgr string, cells ...string) {
	if sgr != "" {
		if g.paint == nil {
			g.paint = map[[2]int]string{}
		}
		g.paint[[2]int{len(g.rows), col}] = sgr
	}
	g.add(cells...)
}

// write lays the rows out in at most width columns (0: unlimited) and writes
// them. The last column is not padded, as text/tabwriter would not.
func (g *grid) write(w io.Writer, opt TableOptions) {
	widths := g.naturalWidths()
	shown := make([]bool, len(widths))
	for c := range shown {
		shown[c] = true
	}
	var hidden []string
	if opt.Width > 0 {
		for _, c := range g.dropOrder {
			if g.fits(widths, shown, opt.Width) || c >= len(widths) {
				break
			}
			shown[c] = false
			hidden = append(hidden, strings.ToLower(g.rows[0][c]))
		}
		g.fit(widths, shown, opt.Width)
	}
	lastShown := len(widths) - 1
	for lastShown > 0 && !shown[lastShown] {
		lastShown--
	}
	var b strings.Builder
	lastCut := false
	for r, row := range g.rows {
		b.Reset()
		b.WriteString(gridIndent)
		for c, cell := range row {
			if !shown[c] {
				continue
			}
			if c == lastShown && displayWidth(cell) > widths[c] {
				lastCut = true
			}
			cell = g.cut(cell, c, widths[c])
			pad := 0
			if c < lastShown {
				pad = widths[c] - displayWidth(cell) + gridGap
			}
			if sgr, ok := g.paint[[2]int{r, c}]; ok && opt.Color {
				cell = "\x1b[" + sgr + "m" + cell + "\x1b[0m"
			}
			b.WriteString(cell)
			b.WriteString(strings.Repeat(" ", pad))
		}
		b.WriteString("\n")
		io.WriteString(w, strings.TrimRight(b.String(), " \n")+"\n")
	}
	if len(hidden) > 0 {
		io.WriteString(w, gridIndent+"(not shown: "+strings.Join(hidden, ", ")+"; --format json has all)\n")
	}
	if lastCut && g.cutNote != "" {
		io.WriteString(w, gridIndent+"("+g.cutNote+")\n")
	}
}

func (g *grid) naturalWidths() []int {
	var widths []int
	for _, row := range g.rows {
		for c, cell := range row {
			if c >= len(widths) {
				widths = append(widths, 0)
			}
			widths[c] = max(widths[c], displayWidth(cell))
		}
	}
	return widths
}

// minShrunk is the narrowest a cut column gets: enough to recognise the value.
const minShrunk = 8

// fit narrows the cuttable columns so a row fits total columns: it finds the
// largest cap such that every cuttable column no wider than cap keeps its
// width and the rest are cut to cap, the way water finds its level. When even
// the fixed columns do not fit, the rows overflow rather than lose addresses.
func (g *grid) fit(widths []int, shown []bool, total int) {
	avail, need := g.budget(widths, shown, total)
	widest := 0
	for _, w := range widths {
		widest = max(widest, w)
	}
	if need(widest) <= avail {
		return
	}
	limit := minShrunk
	for lo, hi := minShrunk, widest; lo <= hi; {
		mid := (lo + hi) / 2
		if need(mid) <= avail {
			limit, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	for c := range widths {
		if !g.isFixed(c) {
			widths[c] = min(widths[c], limit)
		}
	}
	// The columns narrower than the cap leave some room: give it to the
	// last shown column, usually the reason or evidence, the longest text.
	last := len(widths) - 1
	for last > 0 && !shown[last] {
		last--
	}
	if spare := avail - need(limit); spare > 0 && last >= 0 && !g.isFixed(last) {
		widths[last] = min(widths[last]+spare, g.naturalWidths()[last])
	}
}

// fits reports whether the shown columns fit total at the narrowest readable
// width, the last column (the reason or evidence, what the row is for) at
// least lastMin wide.
func (g *grid) fits(widths []int, shown []bool, total int) bool {
	avail, need := g.budget(widths, shown, total)
	extra := 0
	if last := lastShown(shown); last >= 0 && !g.isFixed(last) {
		extra = max(0, min(widths[last], lastMin)-min(widths[last], minShrunk))
	}
	return need(minShrunk)+extra <= avail
}

// lastMin is the width the last column keeps before other columns are hidden.
const lastMin = 28

func lastShown(shown []bool) int {
	for c := len(shown) - 1; c >= 0; c-- {
		if shown[c] {
			return c
		}
	}
	return -1
}

// budget returns the columns available for cell text and the width the shown
// columns need when every cuttable one is capped at limit.
func (g *grid) budget(widths []int, shown []bool, total int) (int, func(limit int) int) {
	n := 0
	for _, s := range shown {
		if s {
			n++
		}
	}
	avail := total - len(gridIndent) - gridGap*max(n-1, 0)
	need := func(limit int) int {
		sum := 0
		for c, w := range widths {
			if !shown[c] {
				continue
			}
			if !g.isFixed(c) {
				w = min(w, limit)
			}
			sum += w
		}
		return sum
	}
	return avail, need
}

// cut fits a cell to width, keeping the column-0 marker visible.
func (g *grid) cut(cell string, col, width int) string {
	if displayWidth(cell) <= width {
		return cell
	}
	for _, m := range g.markers {
		if col == 0 && strings.HasSuffix(cell, m) {
			return truncateWidth(strings.TrimSuffix(cell, m), width-displayWidth(m)) + m
		}
	}
	return truncateWidth(cell, width)
}

func (g *grid) isFixed(c int) bool { return c < len(g.fixed) && g.fixed[c] }
