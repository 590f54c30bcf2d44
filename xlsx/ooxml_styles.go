package xlsx

// xl/styles.xml edited in place: new fills, fonts, borders, number formats
// and cellXfs are appended to their tables; every existing record keeps
// its bytes and its index. A new xf is a clone of an existing one with
// only its fill (or number format) replaced, so the cell keeps its font,
// border, alignment, protection, parent style and quotePrefix. An xf equal
// to one already in the table is reused, found through one index of the
// table built once (linear in the styles).

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// MaxCellXfs is the number of cell styles beyond which the direct path
// adds none: an existing equal style is reused, otherwise the edit fails
// with a *StyleLimitError (Excel's own limit is 64,000 formats).
const MaxCellXfs = 64000

// StyleLimitError reports that a mark needs a new cell style and the
// workbook already has MaxCellXfs of them.
type StyleLimitError struct{ Count, Limit int }

func (e *StyleLimitError) Error() string {
	return fmt.Sprintf("xlsx: workbook has %d cell styles, the limit for adding one is %d", e.Count, e.Limit)
}

type xfRec struct {
	attrs  [][2]string // as written, in order
	inner  string      // child elements (alignment, protection) verbatim
	fill   int
	numFmt int
}

func (x *xfRec) get(name string) string {
	for _, a := range x.attrs {
		if a[0] == name {
			return a[1]
		}
	}
	return ""
}

func (x *xfRec) set(name, value string) {
	for i, a := range x.attrs {
		if a[0] == name {
			x.attrs[i][1] = value
			return
		}
	}
	x.attrs = append(x.attrs, [2]string{name, value})
}

func (x *xfRec) del(name string) {
	out := x.attrs[:0:0]
	for _, a := range x.attrs {
		if a[0] != name {
			out = append(out, a)
		}
	}
	x.attrs = out
}

// key identifies an xf by its content, attribute order aside; skip names
// attributes left out (sansFill).
func (x *xfRec) key(skip ...string) string {
	as := make([]string, 0, len(x.attrs))
outer:
	for _, a := range x.attrs {
		for _, s := range skip {
			if a[0] == s {
				continue outer
			}
		}
		as = append(as, a[0]+"="+a[1])
	}
	sort.Strings(as)
	return strings.Join(as, " ") + "|" + x.inner
}

func (x *xfRec) render(pfx string) []byte {
	var w bytes.Buffer
	w.WriteString("<" + pfx + "xf")
	for _, a := range x.attrs {
		fmt.Fprintf(&w, ` %s="%s"`, a[0], escAttr(a[1]))
	}
	if x.inner == "" {
		w.WriteString("/>")
	} else {
		w.WriteString(">" + x.inner + "</" + pfx + "xf>")
	}
	return w.Bytes()
}

// recTable is one of the record lists of styles.xml (fonts, fills,
// borders, cellXfs, numFmts).
type recTable struct {
	node  int // -1: missing
	n     int // records as read
	added [][]byte
	key   map[string]int // raw record -> index (for reuse)
}

type styleTable struct {
	t                                 *xtree
	pfx                               string
	fonts, fills, borders, xfs, nfmts recTable
	xf                                []xfRec
	xfKey                             map[string]int
	markFill                          map[int]string // fill index -> mark colour
	fmtCode                           map[string]int
	maxFmt                            int
	font0                             []byte // font 0's name, family, charset and scheme elements
	limit                             int
	dirty                             bool
	memo                              map[[3]int]int // (xf, 0 fill / 1 number format, id) -> clone
}

func parseStyleTable(raw []byte) (*styleTable, error) {
	t, err := parseTree(raw)
	if err != nil {
		return nil, unsupported("styles: %v", err)
	}
	st := &styleTable{t: t, pfx: t.nodes[0].pfx(), xfKey: map[string]int{}, markFill: map[int]string{},
		fmtCode: map[string]int{}, maxFmt: 163, limit: MaxCellXfs}
	for _, rt := range []*recTable{&st.fonts, &st.fills, &st.borders, &st.xfs, &st.nfmts} {
		rt.node = -1
		rt.key = map[string]int{}
	}
	for _, i := range t.children(0) {
		var rt *recTable
		switch t.nodes[i].local {
		case "numFmts":
			rt = &st.nfmts
		case "fonts":
			rt = &st.fonts
		case "fills":
			rt = &st.fills
		case "borders":
			rt = &st.borders
		case "cellXfs":
			rt = &st.xfs
		default:
			continue
		}
		if rt.node >= 0 {
			return nil, unsupported("styles: two %s", t.nodes[i].local)
		}
		rt.node = i
		for k, j := range t.children(i) {
			rt.n++
			n := &t.nodes[j]
			switch rt {
			case &st.nfmts:
				id, _ := strconv.Atoi(attrOr(n, "numFmtId"))
				code := attrOr(n, "formatCode")
				st.fmtCode[code] = id
				st.maxFmt = max(st.maxFmt, id)
			case &st.fonts:
				rt.key[string(t.span(j))] = k
				if k == 0 {
					for _, c := range t.children(j) {
						switch t.nodes[c].local {
						case "name", "family", "charset", "scheme":
							st.font0 = append(st.font0, t.span(c)...)
						}
					}
				}
			case &st.fills, &st.borders:
				rt.key[string(t.span(j))] = k
				if rt == &st.fills {
					if pf := t.child(j, "patternFill"); pf >= 0 {
						if fg := t.child(pf, "fgColor"); fg >= 0 {
							rgb := strings.ToUpper(attrOr(&t.nodes[fg], "rgb"))
							for _, c := range markColors {
								if rgb == c || rgb == "FF"+c {
									st.markFill[k] = c
								}
							}
						}
					}
				}
			case &st.xfs:
				x := xfRec{inner: string(t.inner(j))}
				for _, a := range n.attrs {
					name := a.Name.Local
					if a.Name.Space != "" {
						name = a.Name.Space + ":" + name
					}
					x.attrs = append(x.attrs, [2]string{name, a.Value})
				}
				x.fill, _ = strconv.Atoi(x.get("fillId"))
				x.numFmt, _ = strconv.Atoi(x.get("numFmtId"))
				if _, seen := st.xfKey[x.key()]; !seen {
					st.xfKey[x.key()] = len(st.xf)
				}
				st.xf = append(st.xf, x)
			}
		}
	}
	if st.xfs.node < 0 || len(st.xf) == 0 || st.fills.node < 0 || st.fonts.node < 0 || st.borders.node < 0 {
		return nil, unsupported("styles: no cellXfs or fills")
	}
	return st, nil
}

func attrOr(n *xnode, local string) string {
	v, _ := n.attr(local)
	return v
}

func (st *styleTable) valid(s int) bool { return s >= 0 && s < len(st.xf) }

// isMark reports whether xf s has one of juesuan's mark fills.
func (st *styleTable) isMark(s int) bool {
	if !st.valid(s) {
		return false
	}
	_, ok := st.markFill[st.xf[s].fill]
	return ok
}

// hasMarks reports whether any cell style carries a mark fill.
func (st *styleTable) hasMarks() bool {
	for i := range st.xf {
		if st.isMark(i) {
			return true
		}
	}
	return false
}

// addRec appends raw to table rt unless an identical record exists.
func (st *styleTable) addRec(rt *recTable, raw []byte) int {
	if i, ok := rt.key[string(raw)]; ok {
		return i
	}
	i := rt.n + len(rt.added)
	rt.added = append(rt.added, raw)
	rt.key[string(raw)] = i
	st.dirty = true
	return i
}

// fillFor is the index of a solid fill of colour rgb (RRGGBB).
func (st *styleTable) fillFor(rgb string) int {
	for i := 0; i < st.fills.n; i++ {
		if c, ok := st.markFill[i]; ok && c == rgb {
			return i
		}
	}
	p := st.pfx
	i := st.addRec(&st.fills, []byte(`<`+p+`fill><`+p+`patternFill patternType="solid"><`+p+`fgColor rgb="FF`+rgb+`"/><`+p+`bgColor indexed="64"/></`+p+`patternFill></`+p+`fill>`))
	if _, known := markColorSet[rgb]; known {
		st.markFill[i] = rgb
	}
	return i
}

var markColorSet = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range markColors {
		m[c] = true
	}
	return m
}()

// numFmtFor is the id of number format code, added once (built-in 4 for
// #,##0.00).
func (st *styleTable) numFmtFor(code string) int {
	if code == defaultNumFmt {
		return 4
	}
	if id, ok := st.fmtCode[code]; ok {
		return id
	}
	st.maxFmt++
	id := st.maxFmt
	st.fmtCode[code] = id
	st.addRec(&st.nfmts, []byte(fmt.Sprintf(`<%snumFmt numFmtId="%d" formatCode="%s"/>`, st.pfx, id, escAttr(code))))
	return id
}

// addXf returns the index of an xf equal to x, appending it if there is
// none (within the limit).
func (st *styleTable) addXf(x xfRec) (int, error) {
	k := x.key()
	if i, ok := st.xfKey[k]; ok {
		return i, nil
	}
	if len(st.xf) >= st.limit {
		return 0, &StyleLimitError{Count: len(st.xf), Limit: st.limit}
	}
	x.fill, _ = strconv.Atoi(x.get("fillId"))
	x.numFmt, _ = strconv.Atoi(x.get("numFmtId"))
	st.xf = append(st.xf, x)
	st.xfKey[k] = len(st.xf) - 1
	st.dirty = true
	return len(st.xf) - 1, nil
}

func (st *styleTable) clone(s int) xfRec {
	x := st.xf[s]
	x.attrs = append([][2]string(nil), x.attrs...)
	return x
}

// withFill is xf s with fill f (applyFill set); f == 0 removes the fill
// and the applyFill flag, giving back the style a mark was cloned from.
func (st *styleTable) withFill(s, f int) (int, error) {
	if !st.valid(s) {
		return 0, unsupported("style %d out of range", s)
	}
	k := [3]int{s, 0, f}
	if id, ok := st.memo[k]; ok {
		return id, nil
	}
	id, err := st.fillClone(s, f)
	if err == nil {
		st.remember(k, id)
	}
	return id, err
}

func (st *styleTable) remember(k [3]int, id int) {
	if st.memo == nil {
		st.memo = map[[3]int]int{}
	}
	st.memo[k] = id
}

func (st *styleTable) fillClone(s, f int) (int, error) {
	x := st.clone(s)
	x.set("fillId", strconv.Itoa(f))
	if f == 0 {
		x.del("applyFill")
	} else {
		x.set("applyFill", "1")
	}
	return st.addXf(x)
}

// withNumFmt is xf s with number format id.
func (st *styleTable) withNumFmt(s, id int) (int, error) {
	if !st.valid(s) {
		return 0, unsupported("style %d out of range", s)
	}
	k := [3]int{s, 1, id}
	if n, ok := st.memo[k]; ok {
		return n, nil
	}
	x := st.clone(s)
	x.set("numFmtId", strconv.Itoa(id))
	x.set("applyNumberFormat", "1")
	n, err := st.addXf(x)
	if err == nil {
		st.remember(k, n)
	}
	return n, err
}

// sameSansFill reports whether xfs a and b differ at most in their fill.
func (st *styleTable) sameSansFill(a, b int) bool {
	return st.valid(a) && st.valid(b) && st.xf[a].key("fillId", "applyFill") == st.xf[b].key("fillId", "applyFill")
}

// font adds a font based on font 0's face: bold, size (0: 11), colour
// (RRGGBB, "" none), underlined.
func (st *styleTable) font(bold bool, size int, color string, underline bool) int {
	p := st.pfx
	var w bytes.Buffer
	w.WriteString("<" + p + "font>")
	if bold {
		w.WriteString("<" + p + "b/>")
	}
	if underline {
		w.WriteString("<" + p + "u/>")
	}
	if size == 0 {
		size = 11
	}
	fmt.Fprintf(&w, `<%ssz val="%d"/>`, p, size)
	if color != "" {
		fmt.Fprintf(&w, `<%scolor rgb="FF%s"/>`, p, color)
	}
	if len(st.font0) > 0 {
		w.Write(st.font0)
	} else {
		w.WriteString(`<` + p + `name val="Calibri"/><` + p + `family val="2"/>`)
	}
	w.WriteString("</" + p + "font>")
	return st.addRec(&st.fonts, w.Bytes())
}

// thinBorder adds a thin grey border on four sides.
func (st *styleTable) thinBorder() int {
	p := st.pfx
	var w bytes.Buffer
	w.WriteString("<" + p + "border>")
	for _, side := range []string{"left", "right", "top", "bottom"} {
		fmt.Fprintf(&w, `<%s%s style="thin"><%scolor rgb="FFBFBFBF"/></%s%s>`, p, side, p, p, side)
	}
	w.WriteString("<" + p + "diagonal/></" + p + "border>")
	return st.addRec(&st.borders, w.Bytes())
}

// plainXf adds an xf for generated cells.
func (st *styleTable) plainXf(numFmt, font, fill, border int, align string) (int, error) {
	x := xfRec{attrs: [][2]string{
		{"numFmtId", strconv.Itoa(numFmt)}, {"fontId", strconv.Itoa(font)},
		{"fillId", strconv.Itoa(fill)}, {"borderId", strconv.Itoa(border)}, {"xfId", "0"},
	}}
	if numFmt != 0 {
		x.attrs = append(x.attrs, [2]string{"applyNumberFormat", "1"})
	}
	x.attrs = append(x.attrs, [2]string{"applyFont", "1"}, [2]string{"applyFill", "1"}, [2]string{"applyBorder", "1"})
	if align != "" {
		x.attrs = append(x.attrs, [2]string{"applyAlignment", "1"})
		x.inner = "<" + st.pfx + "alignment " + align + "/>"
	}
	return st.addXf(x)
}

// render writes styles.xml with the records added.
func (st *styleTable) render() []byte {
	t := st.t
	var sp []splice
	var newXf [][]byte
	for _, x := range st.xf[st.xfs.n:] {
		newXf = append(newXf, x.render(st.pfx))
	}
	st.xfs.added = newXf
	grow := func(rt *recTable, name string) {
		if len(rt.added) == 0 {
			return
		}
		body := bytes.Join(rt.added, nil)
		total := strconv.Itoa(rt.n + len(rt.added))
		if rt.node < 0 {
			// Only numFmts can be missing here; it is the first child.
			root := &t.nodes[0]
			w := []byte(`<` + st.pfx + name + ` count="` + total + `">`)
			w = append(w, body...)
			w = append(w, `</`+st.pfx+name+`>`...)
			sp = append(sp, splice{root.open, root.open, w})
			return
		}
		n := &t.nodes[rt.node]
		if n.self() {
			tag := bytes.TrimRight(t.raw[n.start:n.open-2], " \t\r\n")
			w := setAttrInTag(append(append([]byte{}, tag...), '>'), "count", total)
			w = append(w, body...)
			w = append(w, `</`+n.pfx()+n.local+`>`...)
			sp = append(sp, splice{n.start, n.open, w})
			return
		}
		sp = append(sp, splice{n.start, n.open, setAttrInTag(t.raw[n.start:n.open], "count", total)})
		sp = append(sp, splice{n.close, n.close, body})
	}
	grow(&st.nfmts, "numFmts")
	grow(&st.fonts, "fonts")
	grow(&st.fills, "fills")
	grow(&st.borders, "borders")
	grow(&st.xfs, "cellXfs")
	return applySplices(t.raw, sp)
}
