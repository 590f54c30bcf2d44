// Package narrative reads a 部门决算公开说明 (the narrative that restates the
// nine tables' figures in sentences: .txt, .docx or a PDF text layer) into a
// typed Document, finds every figure with the quantity it names, binds the
// figures to table cells by the data in bindings.txt, and checks them against
// the workbook and against each other (spec narrative.md, nine-tables.md
// §5.10).
package narrative

// Format is the file format a document was read from.
type Format string

const (
	FormatText Format = "txt"
	FormatDOCX Format = "docx"
	FormatPDF  Format = "pdf"
)

// Document is a narrative as read: its prose paragraphs in order and its
// tables (the 绩效自评表 and any other table), each table placed after the
// paragraph it follows.
type Document struct {
	Name     string
	Format   Format
	Encoding string // txt: "utf-8", "gb18030", "utf-16"
	// Paragraphs are the non-empty prose paragraphs (outside tables).
	Paragraphs []Paragraph
	Tables     []Table
}

// Paragraph is one prose paragraph. Index is its position in
// Document.Paragraphs; Offset is the rune offset of its first rune in the
// document's text (paragraphs and table cells in reading order, each
// followed by one newline). Offsets of figures are runes within Text.
type Paragraph struct {
	Index  int
	Offset int
	Text   string
}

// Table is one table of the document: rows of cells as printed (merged
// cells are not spread). After is the index of the last paragraph before
// the table (-1 when it comes first).
type Table struct {
	Index int
	After int
	Rows  [][]string
}

// Text returns the document's paragraphs joined by newlines (tables left
// out), for tests and debugging.
func (d *Document) Text() string {
	n := 0
	for _, p := range d.Paragraphs {
		n += len(p.Text) + 1
	}
	b := make([]byte, 0, n)
	for _, p := range d.Paragraphs {
		b = append(b, p.Text...)
		b = append(b, '\n')
	}
	return string(b)
}

// builder assembles a Document from an adapter's stream of paragraphs and
// table rows, enforcing the limits.
type builder struct {
	doc    *Document
	lim    Limits
	offset int
	cur    *Table
	cells  int
}

func newBuilder(name string, f Format, lim Limits) *builder {
	return &builder{doc: &Document{Name: name, Format: f}, lim: lim}
}

func (b *builder) paragraph(text string) error {
	if b.lim.stop.Tick() {
		return b.lim.stop.Err()
	}
	b.endTable()
	text = trimSpace(text)
	n := runeCount(text)
	if n == 0 {
		return nil
	}
	if n > b.lim.MaxParagraphRunes {
		return errTooLong(len(b.doc.Paragraphs)+1, b.lim.MaxParagraphRunes)
	}
	if len(b.doc.Paragraphs) >= b.lim.MaxParagraphs {
		return errTooMany(b.lim.MaxParagraphs)
	}
	b.doc.Paragraphs = append(b.doc.Paragraphs, Paragraph{Index: len(b.doc.Paragraphs), Offset: b.offset, Text: text})
	b.offset += n + 1
	return nil
}

// row adds one table row to the current table (starting one if needed).
func (b *builder) row(cells []string) error {
	if b.cur == nil {
		b.doc.Tables = append(b.doc.Tables, Table{Index: len(b.doc.Tables), After: len(b.doc.Paragraphs) - 1})
		b.cur = &b.doc.Tables[len(b.doc.Tables)-1]
	}
	if b.lim.stop.Tick() {
		return b.lim.stop.Err()
	}
	out := make([]string, len(cells))
	for i, c := range cells {
		c = trimSpace(c)
		n := runeCount(c)
		if n > b.lim.MaxParagraphRunes {
			return errTooLong(len(b.doc.Paragraphs)+1, b.lim.MaxParagraphRunes)
		}
		b.cells++
		if b.cells > b.lim.MaxCells {
			return errTooMany(b.lim.MaxCells)
		}
		out[i] = c
		b.offset += n + 1
	}
	b.cur.Rows = append(b.cur.Rows, out)
	return nil
}

func (b *builder) endTable() {
	if b.cur != nil && len(b.cur.Rows) == 0 {
		b.doc.Tables = b.doc.Tables[:len(b.doc.Tables)-1]
	}
	b.cur = nil
}

func (b *builder) done() *Document {
	b.endTable()
	return b.doc
}
