package narrative

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

// Figure is one number with its unit found in a paragraph, with what it
// means once bound.
type Figure struct {
	Para     int    // paragraph index
	Start    int    // rune offset of the first digit (or sign) in the paragraph
	End      int    // rune offset after the unit
	Raw      string // as printed, e.g. "4,068.52万元"
	Value    decimal.Decimal
	Decimals int
	Unit     string // 万元, 元, %, 人, 个, 辆, 次, 批次, 人次, 台(套), 平方米, 家
	Label    string // words before it in its sentence (normalised)
	Section  string
	Sentence int // sentence number within the document

	// Name is the meaning from a `bind` line ("" when a role or unbound),
	// with placeholders filled: 类:社会保障和就业支出.
	Name string
	// Role is set for a figure that names no subject: 占比, 增加, 增长 …
	Role    string
	Binding *Binding
	// Cell is the table cell (after resolution against the workbook).
	Cell    *model.Key
	Subject int // index of the figure a role figure depends on, -1 if none
	Denom   string
	Groups  map[string]string // 类/款/项 names captured by the pattern

	// Verdict against the table (set by Check): 一致, 尾差, 不符, 无单元格 …
	Verdict string
	Against string // the value it was compared with
}

// Bound reports whether the figure's meaning is known (a name or a role).
func (f *Figure) Bound() bool { return f.Name != "" || f.Role != "" }

var (
	bookmarkRe = regexp.MustCompile(`\[bookmark:[^\]]*\]`)
	ordinalRe  = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d{1,2}[、.](?:[^\d]|$)|\(\d{1,2}\))`)
	leadPunct  = "，,；;：:。、．.) "
)

// units in matching order (longest first).
var unitList = []struct{ text, unit string }{
	{"万元", "万元"}, {"台（套）", "台(套)"}, {"台(套)", "台(套)"}, {"平方米", "平方米"},
	{"人次", "人次"}, {"批次", "批次"}, {"元", "元"}, {"%", "%"}, {"％", "%"},
	{"人", "人"}, {"个", "个"}, {"辆", "辆"}, {"次", "次"}, {"家", "家"},
}

var unitRunes = func() [][]rune {
	out := make([][]rune, len(unitList))
	for i, u := range unitList {
		out[i] = []rune(u.text)
	}
	return out
}()

func runesEqual(a, b []rune) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// normLabel normalises label text for matching.
func normLabel(s string) string {
	s = bookmarkRe.ReplaceAllString(s, "")
	s = templates.NormalizeText(s)
	s = strings.TrimLeft(s, leadPunct)
	for i := 0; i < 3; i++ {
		t := ordinalRe.FindString(s)
		if t == "" {
			break
		}
		// keep the character after "1." that the pattern consumed
		if last, _ := utf8.DecodeLastRuneInString(t); len(t) > 1 && last != '.' && last != '、' && last != ')' {
			t = t[:len(t)-utf8.RuneLen(last)]
		}
		s = strings.TrimLeft(s[len(t):], leadPunct)
	}
	return s
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

func digitVal(r rune) byte {
	if r >= '０' && r <= '９' {
		return byte('0' + r - '０')
	}
	return byte(r)
}

// scanFigures finds the figures of one text: numbers followed by a unit.
// Numbers without a unit (years, ordinals, dates) are not figures.
func scanFigures(text string, para int, sentence *int, section string) []Figure {
	rs := []rune(text)
	var out []Figure
	labelStart := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '。' || r == '!' || r == '？' || r == '！' {
			*sentence++
			// "X(类)Y(款)Z(项)。年初预算为…": a sentence that only names a
			// 项 carries over into the next one as its label.
			if !(len(out) == 0 || out[len(out)-1].End <= labelStart) || !namesItem(rs[labelStart:i]) {
				labelStart = i + 1
			}
			continue
		}
		if !isDigit(r) {
			continue
		}
		// A number touching a letter (X.XX, 2A) or a preceding digit run
		// we skipped is not a figure.
		start := i
		neg := false
		if i > 0 && (rs[i-1] == '-' || rs[i-1] == '－' || rs[i-1] == '−') {
			neg = true
			start = i - 1
		}
		if i > 0 && (isLetter(rs[i-1]) || rs[i-1] == '.') {
			for i < len(rs) && (isDigit(rs[i]) || rs[i] == '.') {
				i++
			}
			i--
			continue
		}
		var num []byte
		if neg {
			num = append(num, '-')
		}
		j := i
		decimals := -1
		for j < len(rs) {
			c := rs[j]
			switch {
			case isDigit(c):
				num = append(num, digitVal(c))
				if decimals >= 0 {
					decimals++
				}
				j++
				continue
			case (c == ',' || c == '，') && decimals < 0 && j+3 < len(rs)+1 && threeDigits(rs, j+1):
				j++
				continue
			case (c == '.' || c == '．') && decimals < 0 && j+1 < len(rs) && isDigit(rs[j+1]):
				num = append(num, '.')
				decimals = 0
				j++
				continue
			}
			break
		}
		// unit
		k := j
		for k < len(rs) && (rs[k] == ' ' || rs[k] == '\u3000') {
			k++
		}
		unit, ulen := "", 0
		for ui, u := range unitList {
			ur := unitRunes[ui]
			if k+len(ur) <= len(rs) && runesEqual(rs[k:k+len(ur)], ur) {
				unit, ulen = u.unit, len(ur)
				break
			}
		}
		if unit == "" {
			i = j - 1
			continue
		}
		v, err := decimal.NewFromString(string(num))
		if err != nil {
			i = j - 1
			continue
		}
		if decimals < 0 {
			decimals = 0
		}
		label := normLabel(string(rs[labelStart:start]))
		if lr := []rune(label); len(lr) > 60 {
			label = string(lr[len(lr)-60:])
		}
		out = append(out, Figure{Para: para, Start: start, End: k + ulen, Raw: string(rs[start : k+ulen]), Value: v,
			Decimals: decimals, Unit: unit, Label: label, Section: section, Sentence: *sentence, Subject: -1})
		labelStart = k + ulen
		i = k + ulen - 1
	}
	*sentence++
	return out
}

// namesItem reports whether a run of text ends with "(项)" / "（项）" and is
// short (a 项 named as a sentence of its own).
func namesItem(rs []rune) bool {
	if len(rs) < 4 || len(rs) > 80 {
		return false
	}
	t := string(rs[len(rs)-3:])
	return t == "(项)" || t == "（项）"
}

func threeDigits(rs []rune, j int) bool {
	if j+3 > len(rs) {
		return false
	}
	for k := j; k < j+3; k++ {
		if !isDigit(rs[k]) {
			return false
		}
	}
	return j+3 == len(rs) || !isDigit(rs[j+3])
}

func isLetter(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == 'Ｘ' || r == 'ｘ' || r == '×'
}

// headingRe: a heading starts with an ordinal; it is short and has no
// sentence end.
var headingRe = regexp.MustCompile(`^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])`)

func isHeading(text string) bool {
	return headingRe.MatchString(strings.TrimSpace(text)) && utf8.RuneCountInString(text) <= 40 && !strings.ContainsAny(text, "。；;")
}

// plainHeading: a heading printed without a number ("收入决算情况说明" in
// bold): short, no sentence punctuation, no figure, naming a section.
func (b *Bindings) plainHeading(text string) bool {
	t := strings.TrimSpace(text)
	if utf8.RuneCountInString(t) > 30 || strings.ContainsAny(t, "。，；：,;:") || strings.ContainsAny(t, "0123456789") {
		return false
	}
	return b.sectionOf(t) != ""
}

// sectionOf returns the section a heading opens ("" when none matches).
func (b *Bindings) sectionOf(heading string) string {
	h := templates.NormalizeText(heading)
	for _, s := range b.Sections {
		if s.re.MatchString(h) {
			return s.Name
		}
	}
	return ""
}

// Extract finds and binds every figure of the document's prose paragraphs.
func Extract(doc *Document, bs *Bindings) []Figure { return extract(doc, bs, nil) }

// extract is Extract that ends early (the caller fails) once stop is done.
func extract(doc *Document, bs *Bindings, stop *model.Stop) []Figure {
	var figs []Figure
	section := ""
	top := ""
	sentence := 0
	for _, p := range doc.Paragraphs {
		if stop.Now() { // per paragraph: one may hold 100,000 characters
			return nil
		}
		if isHeading(p.Text) || bs.plainHeading(p.Text) {
			s := bs.sectionOf(p.Text)
			if strings.HasPrefix(strings.TrimSpace(p.Text), "第") {
				top, section = s, s
			} else if s != "" {
				section = s
				if !strings.HasPrefix(strings.TrimSpace(p.Text), "（") && !strings.HasPrefix(strings.TrimSpace(p.Text), "(") {
					top = s
				}
			} else if !strings.HasPrefix(strings.TrimSpace(p.Text), "（") && !strings.HasPrefix(strings.TrimSpace(p.Text), "(") {
				top, section = "", ""
			} else {
				section = top
			}
			sentence++
			continue
		}
		figs = append(figs, scanFigures(p.Text, p.Index, &sentence, section)...)
	}
	bindFigures(figs, bs)
	return figs
}

// bindFigures gives each figure its meaning: a `bind` line of its section
// (or *), else a role, else nothing (unbound). Roles are attached to their
// subjects.
func bindFigures(figs []Figure, bs *Bindings) {
	sectionMain := map[string]int{}
	lastNamed := -1  // last named figure of the sentence
	lastChange := -1 // last 增加/减少 of the sentence
	lastBudget := -1 // last 预算 figure of the sentence
	sent := -1
	for i := range figs {
		f := &figs[i]
		if f.Sentence != sent {
			sent = f.Sentence
			lastNamed, lastChange, lastBudget = -1, -1, -1
		}
		label := f.Label
		if label == "" && i > 0 && figs[i-1].Sentence == f.Sentence {
			label = figs[i-1].Label // "2批次，23人次": the label carries on
		}
		prev := ""
		if i > 0 && figs[i-1].Sentence == f.Sentence {
			prev = figs[i-1].Name
		}
		if bd, groups := bs.match(f.Section, label, f.Unit, prev); bd != nil {
			f.Binding, f.Groups = bd, groups
			f.Name = fillName(bd.Name, groups)
			f.Denom = bd.Denom
			if strings.HasPrefix(f.Name, "预算:") {
				lastBudget = i
			} else {
				lastNamed = i
				if _, ok := sectionMain[f.Section]; !ok && isAmount(f.Unit) {
					sectionMain[f.Section] = i
				}
			}
			continue
		}
		role, groups := bs.role(label, f.Unit)
		if role == "" {
			continue
		}
		f.Role = role
		main, hasMain := sectionMain[f.Section]
		subject := lastNamed
		if subject >= 0 && figs[subject].Unit != f.Unit && f.Unit != "%" {
			subject = -1
		}
		switch role {
		case "占比":
			f.Subject = lastNamed
			if d := groups["分母"]; d != "" {
				f.Denom = bs.nameFor(d, f.Section)
			} else if lastNamed >= 0 {
				f.Denom = figs[lastNamed].Denom
			}
		case "增加", "减少":
			if subject < 0 && hasMain && isAmount(f.Unit) {
				subject = main
			}
			f.Subject = subject
			lastChange = i
		case "增长", "下降":
			f.Subject = lastChange
		case "年初预算", "全年预算":
			if hasMain {
				f.Subject = main
			}
			lastBudget = i
		case "决算数":
			// The 决算数 beside a budget: of the item the budget names, or
			// of the section's figure.
			if lastBudget >= 0 && strings.HasPrefix(figs[lastBudget].Name, "预算:") {
				b := &figs[lastBudget]
				f.Name = strings.TrimPrefix(b.Name, "预算:")
				f.Binding = bs.byName(f.Name)
				if b.Binding != nil && strings.Contains(b.Binding.Name, "{") {
					// 预算:项:{类}/{款}/{项} → 项:{类}/{款}/{项}
					f.Binding = bs.byName(strings.TrimPrefix(b.Binding.Name, "预算:"))
					f.Groups = b.Groups
				}
				f.Role = ""
			} else if hasMain {
				f.Subject = main
				f.Name = figs[main].Name
				f.Binding = figs[main].Binding
				f.Groups = figs[main].Groups
				f.Role = ""
			}
		case "差异率", "完成率":
			// computed from the sentence's budget and 决算 (checkBudgets)
			f.Subject = lastBudget
		case "价值":
			f.Subject = lastNamed
		}
	}
}

func fillName(name string, groups map[string]string) string {
	for k, v := range groups {
		name = strings.ReplaceAll(name, "{"+k+"}", v)
	}
	return name
}

// match returns the first `bind` line of the section (then of *) whose
// pattern ends the label, for the figure's unit.
func (b *Bindings) match(section, label, unit, prev string) (*Binding, map[string]string) {
	if label == "" {
		return nil, nil
	}
	for pass := 0; pass < 2; pass++ {
		for _, bd := range b.Binds {
			if !sameUnit(bd.Unit, unit) || (pass == 0 && bd.Section != section) || (pass == 1 && bd.Section != "*") || bd.After != "" && bd.After != prev {
				continue
			}
			m := bd.re.FindStringSubmatch(label)
			if m == nil {
				continue
			}
			return bd, groupsOf(bd.re, m)
		}
	}
	return nil, nil
}

func (b *Bindings) role(label, unit string) (string, map[string]string) {
	if label == "" {
		return "", nil
	}
	for _, r := range b.Roles {
		if !sameUnit(r.Unit, unit) {
			continue
		}
		m := r.re.FindStringSubmatch(label)
		if m == nil {
			continue
		}
		return r.Name, groupsOf(r.re, m)
	}
	return "", nil
}

// nameFor resolves the words of "占本年支出合计的" to a name: a binding of
// the section (or any) whose pattern matches them, or a name equal to them.
func (b *Bindings) nameFor(words, section string) string {
	if _, ok := b.names[words]; ok {
		return words
	}
	for pass := 0; pass < 2; pass++ {
		for _, bd := range b.Binds {
			if bd.Unit != "万元" || strings.Contains(bd.Name, "{") || (pass == 0 && bd.Section != section) {
				continue
			}
			if bd.re.MatchString(words) {
				return bd.Name
			}
		}
	}
	return ""
}

// sameUnit: a binding in 万元 stands for any amount (a narrative in 元
// binds the same way; values are converted when compared).
func sameUnit(binding, figure string) bool {
	return binding == figure || binding == "万元" && figure == "元"
}

func isAmount(unit string) bool { return unit == "万元" || unit == "元" }
