// Package hostile generates the corpus of hostile and malformed workbooks
// (issue 7): every file is built by code from the good Case A workbook
// (templates.CaseA) by rewriting its zip parts, or from scratch for files
// that are not zips at all. Nothing is downloaded.
//
// Each Case carries its defined outcome: a typed error code (model.E*) or a
// finding, asserted by this package's tests through reader.Read,
// audit.Check and the HTTP API, within bounded time and memory.
package hostile

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// Want is the defined outcome of a case. Exactly one of Code and (Rule or
// Same or Fills) applies: a workbook either cannot be read (Code) or is
// read and checked.
type Want struct {
	// Code is the *model.Error code every entry point must return.
	Code string
	// Rule is a finding the report must contain, at Cell ("Sheet!A1")
	// when Cell is set.
	Rule string
	Cell string
	// Absent lists rules that must not be reported at Cell (or anywhere
	// when Cell is empty).
	Absent []string
	// Same: the findings (rule, severity, cell) equal those of the pristine
	// Case A workbook: the hostile detail changes nothing.
	Same bool
	// NoErrors: no finding of severity error.
	NoErrors bool
	// Fills maps cells ("Sheet!A1") the fill stage must fill to the value
	// Case A typed there; the filled value may differ by rounding (0.05 at
	// most: Case A's typed totals carry the usual 0.01-0.02 rounding).
	Fills map[string]string
}

func (w Want) String() string {
	switch {
	case w.Code != "":
		return "error " + w.Code
	case w.Rule != "":
		s := "finding " + w.Rule
		if w.Cell != "" {
			s += " at " + w.Cell
		}
		return s
	case len(w.Fills) > 0:
		s := fmt.Sprintf("fills %d cells", len(w.Fills))
		if w.NoErrors {
			s += ", no errors"
		}
		return s
	case w.Same:
		return "read, findings as Case A"
	case len(w.Absent) > 0:
		return "read, no " + strings.Join(w.Absent, "/")
	}
	return "?"
}

// Case is one hostile file.
type Case struct {
	Name string
	Doc  string // what the file is and why the outcome is right
	// Bytes builds the file. Large cases are built once per process.
	Bytes func() []byte
	Want  Want
	// Big marks cases that take about a second to build (they compress
	// 15-100 MiB of XML); fuzz seeding skips them.
	Big bool
}

// MaxHeap bounds the heap growth of reading one corpus file: the
// good Case A workbook needs a few MiB; a hostile file may not cost more
// than a small multiple of the default part limits.
const MaxHeap = 160 << 20

// base is the pristine Case A workbook and what the template writer says
// about it (cell addresses by key).
type base struct {
	data   []byte
	wb     *model.Workbook
	pkg    *pkg
	parts  map[string]string // sheet name -> part name
	sheets []string
}

var (
	baseOnce sync.Once
	baseVal  *base
)

func theBase() *base {
	baseOnce.Do(func() {
		var buf bytes.Buffer
		wb, err := templates.Write(&buf, templates.CaseA(), templates.Options{Style: model.StyleMOF})
		must(err)
		p, err := unzip(buf.Bytes())
		must(err)
		b := &base{data: buf.Bytes(), wb: wb, pkg: p, parts: map[string]string{}}
		b.mapSheets()
		baseVal = b
	})
	return baseVal
}

var (
	sheetTagRe = regexp.MustCompile(`<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"`)
	relRe      = regexp.MustCompile(`<Relationship [^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"`)
)

// mapSheets resolves sheet names to part names from workbook.xml and its
// relationships.
func (b *base) mapSheets() {
	rels := map[string]string{}
	for _, m := range relRe.FindAllStringSubmatch(string(b.pkg.get("xl/_rels/workbook.xml.rels")), -1) {
		t := strings.TrimPrefix(m[2], "/")
		if !strings.HasPrefix(t, "xl/") {
			t = "xl/" + t
		}
		rels[m[1]] = t
	}
	for _, m := range sheetTagRe.FindAllStringSubmatch(string(b.pkg.get("xl/workbook.xml")), -1) {
		name := unescapeAttr(m[1])
		b.parts[name] = rels[m[2]]
		b.sheets = append(b.sheets, name)
	}
	if len(b.sheets) != len(model.AllTables) {
		panic(fmt.Sprintf("hostile: Case A has %d sheets", len(b.sheets)))
	}
}

func unescapeAttr(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'").Replace(s)
}

// cell returns the sheet and address of a table cell of Case A.
func (b *base) cell(id model.TableID, row, col string) (sheet, addr string) {
	c := b.wb.Table(id).Cell(row, col)
	if c == nil {
		panic(fmt.Sprintf("hostile: Case A has no cell %s[%s,%s]", id, row, col))
	}
	return c.Sheet, c.Addr
}

// Good returns the pristine Case A workbook.
func Good() []byte { return bytes.Clone(theBase().data) }

// once memoises a generator: some cases take a second to compress.
func once(f func() []byte) func() []byte {
	var o sync.Once
	var v []byte
	return func() []byte {
		o.Do(func() { v = f() })
		return v
	}
}

// editCell returns a generator of Case A with one table cell replaced.
func editCell(id model.TableID, row, col string, cell func() (typ, inner string)) (func() []byte, string) {
	b := theBase()
	sheet, addr := b.cell(id, row, col)
	return once(func() []byte {
		typ, inner := cell()
		return b.pkg.clone().edit(b.parts[sheet], func(s string) string {
			return setCell(s, addr, typ, inner)
		}).bytes()
	}), sheet + "!" + addr
}

// worksheet is the skeleton of a sheet part whose sheetData is streamed.
const (
	wsHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`
	wsTail = `</worksheet>`
)

// The amount cell the value cases write into: 政府性基金预算财政拨款收入 of
// T01, which Case A leaves at 0.00, so only the hostile value changes.
const (
	valRow = "政府性基金预算财政拨款收入"
	valCol = "决算数"
)

// Corpus returns every hostile case, cheap ones first.
func Corpus() []Case {
	b := theBase()
	first := b.parts[b.sheets[0]]
	var cs []Case
	add := func(c Case) { cs = append(cs, c) }

	// Not a workbook at all.
	add(Case{Name: "not_a_zip", Doc: "plain text with an .xlsx name",
		Bytes: func() []byte { return []byte("单位,金额\n一般公共预算财政拨款收入,4068.52\n") },
		Want:  Want{Code: model.ENotXLSX}})
	add(Case{Name: "empty", Doc: "a zero-byte upload",
		Bytes: func() []byte { return []byte{} },
		Want:  Want{Code: model.ENotXLSX}})
	add(Case{Name: "pdf_renamed", Doc: "a PDF renamed to .xlsx",
		Bytes: func() []byte {
			return []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
		},
		Want: Want{Code: model.ENotXLSX}})
	add(Case{Name: "xls_ole2", Doc: "a legacy .xls: an OLE2 compound file with a Workbook stream",
		Bytes: func() []byte { return cfb("Workbook", "\x05SummaryInformation") },
		Want:  Want{Code: model.EXLS}})
	add(Case{Name: "encrypted", Doc: "a password-protected .xlsx: OLE2 with EncryptionInfo and EncryptedPackage streams",
		Bytes: func() []byte { return cfb("EncryptionInfo", "EncryptedPackage") },
		Want:  Want{Code: model.EEncrypted}})

	// Broken zips.
	add(Case{Name: "truncated_zip", Doc: "the first half of Case A: no central directory",
		Bytes: func() []byte { d := b.data; return bytes.Clone(d[:len(d)/2]) },
		Want:  Want{Code: model.ECorrupt}})
	add(Case{Name: "truncated_zip_tail", Doc: "Case A without its last 10 bytes: the end-of-central-directory record is cut",
		Bytes: func() []byte { d := b.data; return bytes.Clone(d[:len(d)-10]) },
		Want:  Want{Code: model.ECorrupt}})
	add(Case{Name: "zip_only_header", Doc: "the 4-byte zip magic and nothing else",
		Bytes: func() []byte { return []byte("PK\x03\x04") },
		Want:  Want{Code: model.ECorrupt}})
	add(Case{Name: "no_workbook_part", Doc: "a valid zip of Case A without xl/workbook.xml",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			for i, pt := range p.parts {
				if pt.name == "xl/workbook.xml" {
					p.parts = append(p.parts[:i], p.parts[i+1:]...)
					break
				}
			}
			return p.bytes()
		}),
		Want: Want{Code: model.ECorrupt}})
	add(Case{Name: "truncated_sheet_xml", Doc: "sheet 2's XML cut in the middle of a cell, zipped validly: excelize's GetRows would return the rows before the cut without error",
		Bytes: once(func() []byte {
			name := b.parts[b.sheets[1]]
			return b.pkg.clone().edit(name, func(s string) string {
				i := strings.Index(s, `<row r="20"`)
				if i < 0 {
					panic("hostile: sheet 2 has no row 20")
				}
				j := strings.Index(s[i:], `<c r=`)
				return s[:i+j+7] // inside the r attribute of the row's first cell
			}).bytes()
		}),
		Want: Want{Code: model.ECorrupt}})

	// XML attacks.
	add(Case{Name: "deeply_nested_xml", Doc: "100,000 nested elements inside sheetData of sheet 1",
		Bytes: once(func() []byte {
			return b.pkg.clone().edit(first, func(s string) string {
				n := 100000
				return strings.Replace(s, "<sheetData>", "<sheetData>"+strings.Repeat("<x>", n)+strings.Repeat("</x>", n), 1)
			}).bytes()
		}),
		Want: Want{Code: model.ECorrupt}})
	laughs := `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
		`<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">` +
		`<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">` +
		`<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>`
	add(Case{Name: "billion_laughs_sheet", Doc: "sheet 1 declares the billion-laughs entities and uses &lol9; in a cell",
		Bytes: once(func() []byte {
			sheet, addr := b.cell(model.T01, valRow, valCol)
			return b.pkg.clone().edit(b.parts[sheet], func(s string) string {
				s = strings.Replace(s, "<worksheet ", laughs+"<worksheet ", 1)
				return setCell(s, addr, "inlineStr", "<is><t>&lol9;</t></is>")
			}).bytes()
		}),
		Want: Want{Code: model.ECorrupt}})
	add(Case{Name: "billion_laughs_sst", Doc: "the shared strings part declares the billion-laughs entities and uses &lol9; in its first string",
		Bytes: once(func() []byte {
			return b.pkg.clone().edit("xl/sharedStrings.xml", func(s string) string {
				s = strings.Replace(s, "<sst ", laughs+"<sst ", 1)
				return regexp.MustCompile(`<t>[^<]*</t>`).ReplaceAllLiteralString(s, "<t>&lol9;</t>")
			}).bytes()
		}),
		Want: Want{Code: model.ECorrupt}})
	add(Case{Name: "sst_index_out_of_range", Doc: "the title cell of sheet 1 points at shared string 999999",
		Bytes: once(func() []byte {
			return b.pkg.clone().edit(first, func(s string) string {
				return setCell(s, "A1", "s", "<v>999999</v>")
			}).bytes()
		}),
		Want: Want{Code: model.ECorrupt}})
	add(Case{Name: "sst_index_negative", Doc: "the title cell of sheet 1 points at shared string -1",
		Bytes: once(func() []byte {
			return b.pkg.clone().edit(first, func(s string) string {
				return setCell(s, "A1", "s", "<v>-1</v>")
			}).bytes()
		}),
		Want: Want{Code: model.ECorrupt}})

	// Size attacks.
	add(Case{Name: "zip_bomb", Doc: "sheet 1 replaced by 100 MiB of highly compressible XML (a zip of about 100 KiB), its size declared honestly",
		Bytes: once(func() []byte { return b.pkg.clone().zipWith(first, bombSheet(100<<20)) }),
		Want:  Want{Code: model.ETooLarge}, Big: true})
	add(Case{Name: "zip_bomb_lying_header", Doc: "the same 100 MiB sheet with headers declaring 4 KiB",
		Bytes: once(func() []byte { return b.pkg.clone().zipLying(first, 4<<10, bombSheet(100<<20)) }),
		Want:  Want{Code: model.ECorrupt}, Big: true})
	add(Case{Name: "huge_declared_entry", Doc: "a 6 KiB file whose sheet 1 header declares 8 GiB unzipped",
		Bytes: once(func() []byte {
			return b.pkg.clone().zipLying(first, 8<<30, func(w io.Writer) error {
				_, err := w.Write(b.pkg.get(first))
				return err
			})
		}),
		Want: Want{Code: model.ETooLarge}})
	add(Case{Name: "cells_beyond_limit", Doc: "sheet 1 holds 1,000,000 numeric cells (4000 rows x 250 columns, 15 MiB of XML, under the part limit)",
		Bytes: once(func() []byte {
			return b.pkg.clone().zipWith(first, func(w io.Writer) error {
				if _, err := io.WriteString(w, wsHead+"<sheetData>"); err != nil {
					return err
				}
				row := `<row>` + strings.Repeat(`<c><v>1</v></c>`, 250) + `</row>`
				if err := repeat(w, row, 4000); err != nil {
					return err
				}
				_, err := io.WriteString(w, "</sheetData>"+wsTail)
				return err
			})
		}),
		Want: Want{Code: model.ETooMany}, Big: true})
	add(Case{Name: "many_zip_entries", Doc: "Case A plus 5,000 empty zip entries",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			for i := range 5000 {
				p.parts = append(p.parts, part{fmt.Sprintf("customXml/item%d.xml", i), nil})
			}
			return p.bytes()
		}),
		Want: Want{Code: model.ETooMany}})
	add(Case{Name: "many_sheets", Doc: "workbook.xml lists 1,000 sheets (all pointing at sheet 1's part)",
		Bytes: once(func() []byte {
			return b.pkg.clone().edit("xl/workbook.xml", func(s string) string {
				var extra strings.Builder
				for i := range 1000 {
					fmt.Fprintf(&extra, `<sheet name="x%d" sheetId="%d" r:id="rId1"></sheet>`, i, 100+i)
				}
				return strings.Replace(s, "</sheets>", extra.String()+"</sheets>", 1)
			}).bytes()
		}),
		Want: Want{Code: model.ETooMany}})
	add(Case{Name: "dimension_1048576", Doc: "every sheet declares <dimension ref=\"A1:XFD1048576\"/>, the data unchanged: the dimension is a claim, not data",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			for _, sh := range b.sheets {
				p.edit(b.parts[sh], func(s string) string {
					return regexp.MustCompile(`<dimension ref="[^"]*"`).ReplaceAllLiteralString(s, `<dimension ref="A1:XFD1048576"`)
				})
			}
			return p.bytes()
		}),
		Want: Want{Same: true}})
	add(Case{Name: "cell_at_row_1048576", Doc: "sheet 1 has a text cell in the last row Excel allows, A1048576",
		Bytes: once(func() []byte {
			return b.pkg.clone().edit(first, func(s string) string {
				return strings.Replace(s, "</sheetData>", `<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>末行</t></is></c></row></sheetData>`, 1)
			}).bytes()
		}),
		Want: Want{Code: model.ETooMany}})
	add(Case{Name: "merge_storm", Doc: "sheet 1 declares 300,000 merged ranges",
		Bytes: once(func() []byte {
			return b.pkg.clone().zipWith(first, func(w io.Writer) error {
				head, tail, ok := strings.Cut(addMerges(string(b.pkg.get(first)), 300000), "</mergeCells>")
				if !ok {
					panic("hostile: no mergeCells")
				}
				if _, err := io.WriteString(w, head); err != nil {
					return err
				}
				if err := repeat(w, `<mergeCell ref="H1:I2"/>`, 300000); err != nil {
					return err
				}
				_, err := io.WriteString(w, `</mergeCells>`+tail)
				return err
			})
		}),
		Want: Want{Code: model.ETooMany}, Big: true})
	add(Case{Name: "merge_whole_sheet", Doc: "one more merged range over the whole empty block H1:XFD1048576 of sheet 1, beside the data",
		Bytes: once(func() []byte {
			return b.pkg.clone().edit(first, func(s string) string {
				s = addMerges(s, 1)
				return strings.Replace(s, "</mergeCells>", `<mergeCell ref="H1:XFD1048576"/></mergeCells>`, 1)
			}).bytes()
		}),
		Want: Want{Same: true}})

	// Formulas.
	derived := b.derivedCells()
	add(Case{Name: "formulas_without_cache", Doc: "every non-zero derived cell (合计/小计) holds a SUM formula and no cached value, as a generator that never calculated writes it: the reader sees blanks, fill computes Case A's totals",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			bySheet := map[string][]string{}
			for at := range derived {
				sheet, addr, _ := strings.Cut(at, "!")
				bySheet[sheet] = append(bySheet[sheet], addr)
			}
			for sheet, addrs := range bySheet {
				p.edit(b.parts[sheet], func(s string) string {
					for _, a := range addrs {
						s = setCell(s, a, "", "<f>SUM(1,1)</f>")
					}
					return s
				})
			}
			return p.bytes()
		}),
		Want: Want{NoErrors: true, Fills: derived}})
	add(Case{Name: "formulas_only", Doc: "every amount cell of every table is a formula (=1/0) without a cached value: all read as blank, so no amount is wrong; the one finding is R09.6 (公开09表 empty without a note)",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			for sheet, addrs := range b.amountCells() {
				p.edit(b.parts[sheet], func(s string) string {
					for _, a := range addrs {
						s = setCell(s, a, "", "<f>1/0</f>")
					}
					return s
				})
			}
			return p.bytes()
		}),
		Want: Want{Rule: "R09.6", NoErrors: true, Absent: []string{"S05"}}})

	// Package parts that two entries claim, and content types that do not
	// decode (issue 15): excelize would keep one entry, or whatever part of
	// [Content_Types].xml parsed (6 of 23 entries), and write back a
	// different package than the one checked.
	add(Case{Name: "content_types_undefined_entity", Doc: "[Content_Types].xml with an undefined entity in its seventh Override",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			p.edit("[Content_Types].xml", func(s string) string {
				i := 0
				for n := 0; n < 7; n++ {
					i += strings.Index(s[i:], "<Override ") + 1
				}
				return s[:i-1] + `<Override Note="&bogus;" ` + s[i-1+len("<Override "):]
			})
			return p.bytes()
		}),
		Want: Want{Code: model.ECorrupt}})
	add(Case{Name: "duplicate_part", Doc: "the first sheet's part twice under the same name, the second copy without its figures",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			p.parts = append(p.parts, part{first, []byte(strings.ReplaceAll(string(p.get(first)), "<v>", "<v>9"))})
			return p.bytes()
		}),
		Want: Want{Code: model.ECorrupt}})
	add(Case{Name: "duplicate_part_backslash", Doc: "the first sheet's part again as " + strings.ReplaceAll(first, "/", `\`) + " (excelize reads a backslash as a separator)",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			p.parts = append(p.parts, part{strings.ReplaceAll(first, "/", `\`), p.get(first)})
			return p.bytes()
		}),
		Want: Want{Code: model.ECorrupt}})

	// Styles beyond what a mark can be added to (issue 15): reading and
	// checking work; filling is refused with its own code (api: 422
	// too_many_styles), see ManyStyles.

	// Package variants that must read like Case A.
	add(Case{Name: "xlsm", Doc: "Case A saved as a macro-enabled workbook: macroEnabled content type and a vbaProject.bin part",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			p.edit("[Content_Types].xml", func(s string) string {
				s = strings.Replace(s, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml", 1)
				return strings.Replace(s, "</Types>", `<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>`, 1)
			})
			p.edit("xl/_rels/workbook.xml.rels", func(s string) string {
				return strings.Replace(s, "</Relationships>", `<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>`, 1)
			})
			p.set("xl/vbaProject.bin", cfb("VBA", "PROJECT"))
			return p.bytes()
		}),
		Want: Want{Same: true}})
	add(Case{Name: "all_sheets_hidden", Doc: "every sheet has state=\"hidden\" (Excel refuses to save this; a script does not): the tables are still read",
		Bytes: once(func() []byte {
			return b.pkg.clone().edit("xl/workbook.xml", func(s string) string {
				return strings.ReplaceAll(s, "<sheet name=", `<sheet state="hidden" name=`)
			}).bytes()
		}),
		Want: Want{Same: true}})

	// Megabyte texts (issue 15): a tiny upload whose one text compresses to
	// nothing must cost no more than a short one. The reader matches only a
	// bounded prefix of any cell and quotes at most 40 characters.
	huge := strings.Repeat("昌", 5<<20) // 15 MiB of UTF-8
	add(Case{Name: "huge_unit_name_sst", Doc: "the 部门 line's shared string holds a 15 MiB unit name",
		Bytes: once(func() []byte {
			return b.pkg.clone().edit("xl/sharedStrings.xml", func(s string) string {
				return strings.Replace(s, "<t>部门：", "<t>部门："+huge, 1)
			}).bytes()
		}),
		Want: Want{Same: true}, Big: true})
	add(Case{Name: "huge_text_three_sheets", Doc: "a 15 MiB inline text in a row of its own (A900) under the table of three sheets (45 MiB unzipped, under the 64 MiB limit)",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			for _, sh := range b.sheets[:3] {
				p.edit(b.parts[sh], func(s string) string {
					return strings.Replace(s, "</sheetData>", `<row r="900"><c r="A900" t="inlineStr"><is><t>`+huge+`</t></is></c></row></sheetData>`, 1)
				})
			}
			return p.bytes()
		}),
		Want: Want{Same: true}, Big: true})
	add(Case{Name: "huge_formula", Doc: "a 15 MiB formula text with a cached value in an amount cell Case A leaves at 0.00",
		Bytes: once(func() []byte {
			sheet, addr := b.cell(model.T01, valRow, valCol)
			return b.pkg.clone().edit(b.parts[sheet], func(s string) string {
				return setCell(s, addr, "", "<f>"+strings.Repeat("0+", 7<<20)+"0</f><v>0</v>")
			}).bytes()
		}),
		Want: Want{Same: true}, Big: true})

	add(Case{Name: "huge_comment", Doc: "a 15 MiB legacy comment (note) on sheet 1's title cell, with its VML drawing",
		Bytes: once(func() []byte {
			p := b.pkg.clone()
			p.set("xl/comments99.xml", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
				`<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>某人</author></authors>`+
				`<commentList><comment ref="A1" authorId="0"><text><t>`+huge+`</t></text></comment></commentList></comments>`))
			p.set("xl/drawings/vmlDrawing99.vml", []byte(`<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:x="urn:schemas-microsoft-com:office:excel">`+
				`<v:shape id="_x0000_s1025" type="#_x0000_t202"><x:ClientData ObjectType="Note"><x:Row>0</x:Row><x:Column>0</x:Column></x:ClientData></v:shape></xml>`))
			rels := strings.Replace(first, "worksheets/", "worksheets/_rels/", 1) + ".rels"
			p.set(rels, []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
				`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
				`<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments99.xml"/>`+
				`<Relationship Id="rIdV" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing99.vml"/>`+
				`</Relationships>`))
			p.edit(first, func(s string) string {
				return strings.Replace(s, "</worksheet>", `<legacyDrawing r:id="rIdV"/></worksheet>`, 1)
			})
			p.edit("[Content_Types].xml", func(s string) string {
				return strings.Replace(s, "</Types>", `<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>`+
					`<Override PartName="/xl/comments99.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>`, 1)
			})
			return p.bytes()
		}),
		Want: Want{Same: true}, Big: true})
	add(Case{Name: "huge_sheet_name", Doc: "the first sheet's name in workbook.xml is 15 MiB long (Excel allows 31 characters)",
		Bytes: once(func() []byte {
			return b.pkg.clone().edit("xl/workbook.xml", func(s string) string {
				i := strings.Index(s, `<sheet name="`) + len(`<sheet name="`)
				j := i + strings.Index(s[i:], `"`)
				return s[:i] + huge + s[j:]
			}).bytes()
		}),
		Want: Want{Code: model.ECorrupt}, Big: true})
	add(Case{Name: "many_defined_names", Doc: "workbook.xml declares 100,000 defined names",
		Bytes: once(func() []byte {
			var names strings.Builder
			names.WriteString("<definedNames>")
			for i := 0; i < 100000; i++ {
				fmt.Fprintf(&names, `<definedName name="n%d">'%s'!$A$1</definedName>`, i, b.sheets[0])
			}
			names.WriteString("</definedNames>")
			return b.pkg.clone().edit("xl/workbook.xml", func(s string) string {
				s = regexp.MustCompile(`(?s)<definedNames>.*</definedNames>`).ReplaceAllString(s, "")
				return strings.Replace(s, "</sheets>", "</sheets>"+names.String(), 1)
			}).bytes()
		}),
		Want: Want{Same: true}, Big: true})
	add(Case{Name: "million_empty_cells", Doc: "1,000,000 empty <c/> elements (no value) in rows under sheet 1's table: within the cell limit, since they hold nothing",
		Bytes: once(func() []byte {
			var rows strings.Builder
			for r := 0; r < 4000; r++ {
				fmt.Fprintf(&rows, `<row r="%d">`, 1000+r)
				for c := 0; c < 250; c++ {
					rows.WriteString("<c/>")
				}
				rows.WriteString("</row>")
			}
			return b.pkg.clone().edit(first, func(s string) string {
				return strings.Replace(s, "</sheetData>", rows.String()+"</sheetData>", 1)
			}).bytes()
		}),
		Want: Want{Same: true}, Big: true})

	// Hostile amounts, written into an amount cell Case A leaves at 0.00.
	for _, v := range []struct {
		name, doc string
		cell      func() (string, string)
		want      Want
	}{
		{"amount_1e100000_number", "a numeric cell holding 1E+100000", func() (string, string) { return numberCell("1E+100000") },
			Want{Rule: "S05"}},
		{"amount_1e100000_text", "a text cell holding 1E+100000", func() (string, string) { return textCell("1E+100000") },
			Want{Rule: "S05"}},
		{"amount_nan_text", "a text cell holding NaN", func() (string, string) { return textCell("NaN") },
			Want{Rule: "S05"}},
		{"amount_nan_number", "a numeric cell holding NaN", func() (string, string) { return numberCell("NaN") },
			Want{Rule: "S05"}},
		{"amount_inf_number", "a numeric cell holding +Inf", func() (string, string) { return numberCell("+Inf") },
			Want{Rule: "S05"}},
		{"amount_negative_zero_number", "a numeric cell holding -0: zero, not negative", func() (string, string) { return numberCell("-0") },
			Want{Same: true, Absent: []string{"S05", "S09"}}},
		{"amount_negative_zero_text", "a text cell holding -0.00: zero, not negative", func() (string, string) { return textCell("-0.00") },
			Want{Same: true, Absent: []string{"S05", "S09"}}},
		{"amount_20_digits_text", "a text cell holding 12345678901234567890", func() (string, string) { return textCell("12345678901234567890") },
			Want{Rule: "S05"}},
		{"amount_20_digits_number", "a numeric cell holding 12345678901234567890", func() (string, string) { return numberCell("12345678901234567890") },
			Want{Rule: "S05"}},
		{"amount_long_fraction", "a text cell holding 0.000…001 with 5,000 decimals: no amount has that many; accepted, it puts 5,000-digit numbers into findings and tolerances", func() (string, string) {
			return textCell("0." + strings.Repeat("0", 4999) + "1")
		}, Want{Rule: "S05"}},
		{"amount_huge_text", "a text cell of 1 MiB of digits", func() (string, string) { return textCell(strings.Repeat("9", 1<<20)) },
			Want{Rule: "S05"}},
	} {
		gen, at := editCell(model.T01, valRow, valCol, v.cell)
		w := v.want
		w.Cell = at
		add(Case{Name: v.name, Doc: v.doc + " (" + at + ")", Bytes: gen, Want: w})
	}
	return cs
}

// bombSheet streams a well-formed worksheet of about size bytes: rows of
// empty, unstyled cells that compress by three orders of magnitude.
func bombSheet(size int) func(w io.Writer) error {
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, wsHead+"<sheetData>"); err != nil {
			return err
		}
		row := "<row>" + strings.Repeat("<c></c>", 1000) + "</row>"
		if err := repeat(w, row, size/len(row)); err != nil {
			return err
		}
		_, err := io.WriteString(w, "</sheetData>"+wsTail)
		return err
	}
}

// derivedCells maps "Sheet!A1" of Case A's non-zero derived cells to their
// values. (A zero total over blank parts stays blank when filled.)
func (b *base) derivedCells() map[string]string {
	out := map[string]string{}
	for _, t := range b.wb.Located() {
		for _, c := range t.Cells() {
			if c.Derived && !c.Blank && !c.Value.IsZero() {
				out[c.Sheet+"!"+c.Addr] = c.Value.String()
			}
		}
	}
	return out
}

// amountCells lists, per sheet, the addresses of every amount cell.
func (b *base) amountCells() map[string][]string {
	out := map[string][]string{}
	for _, t := range b.wb.Located() {
		for _, c := range t.Cells() {
			out[c.Sheet] = append(out[c.Sheet], c.Addr)
		}
	}
	return out
}

// addMerges raises the count of a sheet's mergeCells element by n; the
// caller inserts the n ranges before </mergeCells>.
func addMerges(s string, n int) string {
	re := regexp.MustCompile(`<mergeCells count="(\d+)">`)
	m := re.FindStringSubmatch(s)
	if m == nil {
		panic("hostile: sheet has no mergeCells")
	}
	var have int
	fmt.Sscan(m[1], &have)
	return strings.Replace(s, m[0], fmt.Sprintf(`<mergeCells count="%d">`, have+n), 1)
}

// SheetPart returns the zip part name of Case A's n-th sheet (0-based, in
// workbook order), e.g. "xl/worksheets/sheet1.xml".
func SheetPart(n int) string {
	b := theBase()
	return b.parts[b.sheets[n]]
}

// Part returns the bytes of one part of Case A.
func Part(name string) []byte { return bytes.Clone(theBase().pkg.get(name)) }

// WithPart returns Case A with one part replaced by data, zipped validly:
// fuzz targets use it to reach the XML parsers past the zip checksums.
func WithPart(name string, data []byte) []byte {
	p := theBase().pkg.clone()
	p.set(name, data)
	return p.bytes()
}

// ManyStyles is Case A with n extra cell formats (cellXfs records) in its
// styles part: beyond about 64,000 no style can be added for a mark.
func ManyStyles(n int) []byte {
	p := theBase().pkg.clone()
	p.edit("xl/styles.xml", func(s string) string {
		i := strings.Index(s, "<cellXfs")
		j := strings.Index(s, "</cellXfs>")
		if i < 0 || j < 0 {
			panic("hostile: no cellXfs in styles.xml")
		}
		var b strings.Builder
		b.WriteString(s[:j])
		for k := 0; k < n; k++ {
			fmt.Fprintf(&b, `<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`, k%50)
		}
		b.WriteString(s[j:])
		out := b.String()
		// The count attribute, when present, follows the records.
		return regexp.MustCompile(`<cellXfs count="\d+"`).ReplaceAllStringFunc(out, func(string) string {
			return fmt.Sprintf(`<cellXfs count="%d"`, strings.Count(out[i:], "<xf ")-strings.Count(out[strings.Index(out, "</cellXfs>"):], "<xf "))
		})
	})
	return p.bytes()
}
