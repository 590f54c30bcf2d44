package narrative

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Layout: a page's text fragments become lines (fragments on one
// baseline, left to right), and lines become paragraphs by where they
// start and end and how far apart they are.

// pdfLine is one line of a page: its text, where it starts (x0) and ends
// (x1; xl where its last glyph starts), its baseline y and font size.
type pdfLine struct {
	text          string
	x0, xl, x1, y float64
	size          float64
	space         bool    // the line ended in a space (before trimming)
	lead          float64 // width of its leading unit (pdfFrag.lead)
}

// sameBaseline: two baselines within half a font size are one line
// (superscripts and a mix of fonts stay in their line).
func sameBaseline(y1, s1, y2, s2 float64) bool {
	return math.Abs(y1-y2) <= 0.5*math.Max(math.Max(s1, s2), 1)
}

// fragLines groups a page's fragments into lines, top to bottom.
func fragLines(frags []pdfFrag) []pdfLine {
	type group struct {
		frags   []pdfFrag
		y, size float64
	}
	var gs []*group
	for _, f := range frags {
		if n := len(gs); n > 0 && sameBaseline(gs[n-1].y, gs[n-1].size, f.y, f.size) {
			gs[n-1].frags = append(gs[n-1].frags, f)
			gs[n-1].size = math.Max(gs[n-1].size, f.size)
			continue
		}
		gs = append(gs, &group{frags: []pdfFrag{f}, y: f.y, size: f.size})
	}
	// a line written in pieces (a header last, a run drawn later) joins
	// the pieces on its baseline
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].y > gs[j].y })
	var merged []*group
	for _, g := range gs {
		if n := len(merged); n > 0 && sameBaseline(merged[n-1].y, merged[n-1].size, g.y, g.size) {
			merged[n-1].frags = append(merged[n-1].frags, g.frags...)
			merged[n-1].size = math.Max(merged[n-1].size, g.size)
			continue
		}
		merged = append(merged, g)
	}
	lines := make([]pdfLine, 0, len(merged))
	for _, g := range merged {
		fs := g.frags
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].x0 < fs[j].x0 })
		var b strings.Builder
		l := pdfLine{x0: fs[0].x0, y: g.y}
		most := -1 // the font size of the fragment with the most text
		var prev *pdfFrag
		for k := range fs {
			f := &fs[k]
			if prev != nil && f.text == prev.text && math.Abs(f.x0-prev.x0) < 0.3*math.Max(f.size, 1) {
				continue // drawn twice (fake bold, shadow)
			}
			if prev != nil && needSpace(prev.text, f.text, f.x0-prev.x1, math.Max(f.size, prev.size)) {
				b.WriteByte(' ')
			}
			b.WriteString(f.text)
			if n := len(f.text); n > most {
				most, l.size, l.y = n, f.size, f.y
			}
			if f.x1 >= l.x1 || prev == nil {
				l.x1, l.xl = f.x1, f.xl
			}
			prev = f
		}
		l.text = b.String()
		// the leading unit may go on into the next fragments
		phase := unitOpen
		for k, f := range fs {
			if k > 0 {
				if f.x0-fs[k-1].x1 > 0.2*math.Max(f.size, 1) {
					break
				}
				r, _ := utf8.DecodeRuneInString(f.text)
				if in, _ := unitStep(phase, r); !in {
					break
				}
			}
			if phase == unitOpen || f.phase != unitDone {
				l.lead = f.x0 - l.x0 + f.lead
			}
			if phase = f.phase; phase == unitDone {
				break
			}
		}
		lines = append(lines, l)
	}
	return lines
}

// needSpace: a gap between two fragments is a word space when it is wide
// and neither side is CJK (Chinese text has no spaces; justified lines
// widen the gaps between its characters).
func needSpace(a, b string, gap, size float64) bool {
	if gap < 0.2*size || a == "" || b == "" {
		return false
	}
	ra, _ := utf8.DecodeLastRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	return !unicode.IsSpace(ra) && !unicode.IsSpace(rb) && !isWide(ra) && !isWide(rb)
}

// isWide: CJK characters and full-width punctuation.
func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef ||
		r >= 0x2e80 && r <= 0x2fff || r >= 0x3040 && r <= 0x30ff || r == '…' || r == '—' || r == '“' || r == '”' || r == '‘' || r == '’'
}

// page numbers in headers and footers: "- 3 -", "第 3 页", "3/12",
// "第 3 页 共 12 页", "共12页 第3页", "Page 3 of 12".
var pdfPageNumber = regexp.MustCompile(`^[-—–－\s]*(?:(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*(?:/|[,，]?\s*共)\s*\d{1,4}\s*页?)?|共\s*\d{1,4}\s*页[,，]?\s*第\s*\d{1,4}\s*页|(?i:page)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)[-—–－\s]*$`)

var pdfParaStart = regexp.MustCompile(`^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．][^\d])`)

// pdfPage is the layout of one page's text: its body lines (page numbers
// left out), left margin, right edge of full lines, usual font size and
// line pitch, and whether full lines end flush (justified text).
type pdfPageLayout struct {
	lines []pdfLine
	left  float64
	right float64
	size  float64
	pitch float64 // 0 when unknown
	n     int     // lines measured
	// justified: lines reach the right edge but a paragraph's last
	justified bool
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// layoutPage measures a page. Pages with few lines take the right edge
// and justification of the document (fallback).
func layoutPage(lines []pdfLine) pdfPageLayout {
	var pl pdfPageLayout
	var sizes []float64
	pl.left = math.Inf(1)
	maxX := math.Inf(-1)
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if t == "" || pdfPageNumber.MatchString(t) {
			continue
		}
		l.space = strings.TrimRightFunc(l.text, unicode.IsSpace) != l.text
		l.text = t
		pl.lines = append(pl.lines, l)
		sizes = append(sizes, l.size)
		pl.left = math.Min(pl.left, l.x0)
		maxX = math.Max(maxX, l.x1)
	}
	if len(pl.lines) == 0 {
		return pl
	}
	pl.size = math.Max(median(sizes), 1)
	pl.n = len(pl.lines)
	// the right edge: where the longest line ends, leaving out lines
	// that end in punctuation (it may hang into the margin) and a single
	// line far past the others
	var ends []float64
	for _, l := range pl.lines {
		if r, _ := utf8.DecodeLastRuneInString(l.text); !strings.ContainsRune(pdfClosing, r) {
			ends = append(ends, l.x1)
		}
	}
	if len(ends) == 0 {
		ends = append(ends, maxX)
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(ends)))
	pl.right = ends[0]
	if len(ends) >= 3 && ends[0]-ends[1] > 0.5*pl.size {
		pl.right = ends[1]
	}
	// justified: the lines that end near the edge end at it
	flush, near := 0, 0
	for _, l := range pl.lines {
		switch room := pl.right - l.x1; {
		case room < 0.25*pl.size:
			flush++
		case room < 1.5*pl.size:
			near++
		}
	}
	pl.justified = flush >= 3 && near*10 <= flush
	// the line pitch: the smallest baseline distance that is common (a
	// page of short paragraphs with space between has more of those)
	count := map[float64]int{}
	best := 0
	for k := 1; k < len(pl.lines); k++ {
		d := math.Round((pl.lines[k-1].y-pl.lines[k].y)*2) / 2
		if d > 0 {
			count[d]++
			best = max(best, count[d])
		}
	}
	pl.pitch = 0
	for d, c := range count {
		if c >= 2 && c*4 >= best && (pl.pitch == 0 || d < pl.pitch) {
			pl.pitch = d
		}
	}
	return pl
}

// joinLines joins each page's lines into paragraphs. A line starts a
// paragraph when it is indented from the page's left margin (the first
// line of a Chinese paragraph), when a larger gap than the page's line
// pitch comes before it, when the line before it ends short of the right
// edge (a paragraph's last line), or, after a line ending a sentence,
// when it starts with a heading number. A page's first line continues the
// paragraph of the previous page unless one of these says otherwise.
func joinLines(pages [][]pdfLine, b *builder) error {
	pages = dropFurniture(pages)
	layouts := make([]pdfPageLayout, len(pages))
	var widths []float64
	justified := 0
	for i, p := range pages {
		layouts[i] = layoutPage(p)
		if layouts[i].n >= 5 {
			widths = append(widths, layouts[i].right-layouts[i].left)
			if layouts[i].justified {
				justified++
			}
		}
	}
	// pages with few lines (a last page) measure by the others
	for i := range layouts {
		pl := &layouts[i]
		if pl.n > 0 && pl.n < 5 && len(widths) > 0 {
			pl.right = math.Max(pl.left+median(widths), pl.right)
			pl.justified = justified*2 > len(widths)
		}
	}
	// a document that indents first lines marks its paragraphs so; one
	// that does not may still start them with heading numbers
	indents := 0
	for _, pl := range layouts {
		for _, l := range pl.lines {
			if d := l.x0 - pl.left; d > 0.5*pl.size && d < 4.5*pl.size {
				indents++
			}
		}
	}
	// a document that spaces its paragraphs marks them so but across a
	// page break
	spaced := 0
	for _, pl := range layouts {
		for k := 1; k < len(pl.lines); k++ {
			if pl.gap(&pl.lines[k-1], &pl.lines[k]) {
				spaced++
			}
		}
	}
	// the lowest last line of the pages: a page whose last line stands a
	// pitch higher ended early
	bottom := math.Inf(1)
	for _, pl := range layouts {
		if pl.n >= 5 {
			bottom = math.Min(bottom, pl.lines[pl.n-1].y)
		}
	}
	var para strings.Builder
	var last string // the paragraph's last line so far
	end := func() error {
		last = ""
		if para.Len() == 0 {
			return nil
		}
		err := b.paragraph(para.String())
		para.Reset()
		return err
	}
	var prev *pdfLine
	var prevPage *pdfPageLayout
	headingLine := false // prev is the first line of a paragraph and has a heading number
	for pi := range layouts {
		pl := &layouts[pi]
		for k := range pl.lines {
			l := &pl.lines[k]
			start := l.x0 > pl.left+0.5*pl.size // indented
			if prev != nil && !start {
				if prevPage.ends(prev, l, indents >= 2) || indents < 2 && headingLine && prevPage.right-prev.x1 >= 2*prevPage.size &&
					k == 0 && prevPage.pitch > 0 && prev.y-prevPage.pitch >= bottom-0.5 {
					start = true
				} else if k > 0 && pl.gap(prev, l) {
					start = true
				} else if indents < 2 && pdfParaStart.MatchString(l.text) && endsSentence(prev.text) {
					start = true
				}
			}
			if start || prev == nil {
				if err := end(); err != nil {
					return err
				}
				// a heading: a first line with a heading number that ends
				// in no punctuation and short of the right edge (checked
				// at the next line) is a paragraph by itself, where
				// paragraphs are not spaced; where they are, a heading
				// that ends a page early (the next line did not fit)
				r, _ := utf8.DecodeLastRuneInString(l.text)
				headingLine = pdfParaStart.MatchString(l.text) && !strings.ContainsRune(pdfClosing, r)
			} else {
				headingLine = false
			}
			// lines join without a space (Chinese text, numbers broken
			// at a line end) unless the line ended with one
			if last != "" && prev.space {
				para.WriteByte(' ')
			}
			para.WriteString(l.text)
			last = l.text
			if para.Len() > 4*b.lim.MaxParagraphRunes {
				return errTooLong(len(b.doc.Paragraphs)+1, b.lim.MaxParagraphRunes)
			}
			prev, prevPage = l, pl
		}
	}
	return end()
}

// ends: line l ends its paragraph when it leaves room before the right
// edge. Justified lines all reach the edge but a paragraph's last; ragged
// lines end where the next line's leading unit did not fit, so the room
// must hold that unit. Line breakers keep more together than the unit
// measured here (a number with the words after it; the space between
// Chinese and Latin text is widened), so a narrow unit needs two ems
// more; and where first lines are indented, the indent says where
// paragraphs start, and a ragged line only ends one when it leaves room
// for two characters more.
func (pl *pdfPageLayout) ends(l, next *pdfLine, indents bool) bool {
	room := pl.right - l.x1
	need := next.lead - 0.05*pl.size
	narrow := false
	if r, _ := utf8.DecodeRuneInString(next.text); !isWide(r) {
		narrow = true
	}
	if pl.justified {
		// (ragged Chinese text looks justified but where a line starts
		// with more than one character's width)
		if narrow {
			need += pl.size
		}
		return room >= math.Max(0.5*pl.size, need)
	}
	if narrow {
		need += 2 * pl.size
	}
	if indents {
		need += 2 * pl.size
	}
	return room >= need
}

// dropFurniture leaves out running headers and footers: a line whose
// text (digits aside) recurs at the same height on most pages of a
// document of three pages or more.
func dropFurniture(pages [][]pdfLine) [][]pdfLine {
	if len(pages) < 3 {
		return pages
	}
	type key struct {
		text string
		y    float64
	}
	keyOf := func(l pdfLine) key {
		t := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return '#'
			}
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, l.text)
		return key{t, math.Round(l.y / 2)}
	}
	count := map[key]int{}
	for _, p := range pages {
		seen := map[key]bool{}
		for _, l := range p {
			if k := keyOf(l); k.text != "" && !seen[k] {
				seen[k] = true
				count[k]++
			}
		}
	}
	need := max(3, (len(pages)*3+4)/5)
	out := make([][]pdfLine, len(pages))
	for i, p := range pages {
		for _, l := range p {
			if count[keyOf(l)] < need {
				out[i] = append(out[i], l)
			}
		}
	}
	return out
}

// gap: more space than the page's line pitch between two lines.
func (pl *pdfPageLayout) gap(l, next *pdfLine) bool {
	return pl.pitch > 0 && l.y-next.y > pl.pitch+math.Max(0.2*pl.pitch, 0.3*pl.size)
}

func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("。：；！？:;!?", r)
}
