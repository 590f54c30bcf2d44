package api

// narrative.go: the multipart part narrative (决算公开说明, .docx/.txt/PDF)
// of POST /api/v1/check and /api/v1/fill. Its findings join the workbook's
// report, so status, counts and summary headers cover both documents, as
// `juesuan check --narrative` does.

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
)

// multipartFiles is how many files a multipart upload may carry, each
// within MaxUpload: the workbook, the prior-year workbook and the narrative.
// Body limits and the memory floor count all three.
const multipartFiles = 3

// narrativeResult is the narrative of a request as read and checked, and
// for fill its annotated copy (marked) or why there is none (note).
type narrativeResult struct {
	doc    *narrative.Document
	an     *narrative.Analysis
	marked *annotate.NarrativeResult
	note   string
}

// annotate writes the annotated docx. A text or PDF narrative cannot be
// annotated: its findings are in the report and the answer says so; asked
// for alone (part=narrative) that is a 422.
func (n *narrativeResult) annotate(src []byte, only bool) error {
	if n.doc.Format != narrative.FormatDOCX {
		if only {
			return model.Errorf(CodeNarrativeNotDocx, nil, msgNarrativeNotDocx, formatName(n.doc.Format))
		}
		n.note = fmt.Sprintf(msgNarrativeNotMarked, formatName(n.doc.Format))
		return nil
	}
	res, err := annotate.Narrative(src, n.an.Findings)
	if err != nil {
		return narrativeError(err)
	}
	n.marked = res
	return nil
}

func formatName(f narrative.Format) string {
	if f == narrative.FormatPDF {
		return "PDF"
	}
	return "文本（.txt）"
}

// sendWithNarrative answers fill with a narrative: the annotated docx alone
// (part=narrative), else a zip of the annotated workbook, the annotated
// docx (when the narrative is one) and 审核报告.txt (the report of both
// documents; for a text or PDF narrative it starts with the note that its
// findings could not be marked in it).
func (s *server) sendWithNarrative(c *gin.Context, u *upload, res *audit.Result, n *narrativeResult, bookName string, book []byte) {
	rep := &res.Report
	sent := u.narrativeName
	if strings.TrimSpace(sent) == "" {
		sent = "说明.docx"
	}
	unit := ""
	if res.Workbook != nil {
		unit = res.Workbook.UnitName
	}
	// the workbook's naming scheme (model.ResultName): .docx stays .docx
	docName := model.ResultName(unit, sent, model.TagAudit)
	if u.q.Part == "narrative" {
		c.Header("Content-Disposition", contentDispositionAs(docName, model.ResultNameASCII(sent, model.TagAudit)))
		c.Data(http.StatusOK, DOCXType, n.marked.Data)
		return
	}
	var text bytes.Buffer
	if n.note != "" {
		text.WriteString(n.note + "\n\n")
	}
	if err := check.WriteTextOptions(&text, *rep, check.TextOptions{All: true}); err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := []struct {
		name string
		data []byte
	}{{bookName, book}}
	if n.marked != nil {
		files = append(files, struct {
			name string
			data []byte
		}{docName, n.marked.Data})
	}
	files = append(files, struct {
		name string
		data []byte
	}{reportName, text.Bytes()})
	for _, f := range files {
		method := zip.Deflate
		if strings.HasSuffix(f.name, ".xlsx") || strings.HasSuffix(f.name, ".xlsm") || strings.HasSuffix(f.name, ".docx") {
			method = zip.Store // already compressed
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: method, Modified: time.Now()})
		if err == nil {
			_, err = w.Write(f.data)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
	}
	if err := zw.Close(); err != nil {
		s.fail(c, err)
		return
	}
	ascii := model.ResultNameASCII(u.fileName, model.TagAudit)
	c.Header("Content-Disposition", contentDispositionAs(strings.TrimSuffix(bookName, path.Ext(bookName))+".zip", strings.TrimSuffix(ascii, path.Ext(ascii))+".zip"))
	c.Data(http.StatusOK, ZipType, buf.Bytes())
}

// checkNarrative reads the upload's narrative (nil when none was sent) and
// checks it against the workbook of res; the report of res then covers
// both documents. A narrative that cannot be read fails the request with
// the reader's code (too_large, too_many, corrupt, unsupported, encrypted,
// invalid, no_text) and a Chinese detail naming the narrative.
func (s *server) checkNarrative(ctx context.Context, u *upload, res *audit.Result) (*narrativeResult, error) {
	if u.narrative == nil {
		return nil, nil
	}
	doc, err := narrative.ReadBytesContext(ctx, u.narrative, narrativeName(u.narrativeName), narrative.Limits{MaxBytes: s.cfg.MaxUpload})
	if err != nil {
		return nil, narrativeError(err)
	}
	an, err := narrative.AnalyzeContext(ctx, doc, res.Workbook)
	if err != nil {
		return nil, err
	}
	// As for the workbook's findings: 审核说明 typed on the page, and with
	// ?grid=true the table around the cell a figure is compared with.
	annotate.ApplyExplanations(an.Findings, u.expl)
	if parseBool(u.q.Grid) {
		audit.AttachGrids(res.Workbook, an.Findings)
	}
	res.Report = mergeReport(res.Workbook, res.Report, an.Findings)
	return &narrativeResult{doc: doc, an: an}, nil
}

// mergeReport is rep with the narrative's findings added: counts and status
// recomputed over both documents, what rep says of the workbook kept.
func mergeReport(wb *model.Workbook, rep model.Report, findings []model.Finding) model.Report {
	all := make([]model.Finding, 0, len(rep.Findings)+len(findings))
	all = append(append(all, rep.Findings...), findings...)
	merged := model.NewReport(wb, all, rep.Fills)
	merged.Unchecked = rep.Unchecked
	merged.Pack = rep.Pack
	return merged
}

// narrativeName is the file name the reader is told (it tells an old .doc
// from an encrypted .docx by it).
func narrativeName(sent string) string {
	sent = strings.ReplaceAll(sent, `\`, "/")
	if i := strings.LastIndexByte(sent, '/'); i >= 0 {
		sent = sent[i+1:]
	}
	if sent == "" {
		return "说明"
	}
	return sent
}

// narrativeError keeps the reader's code and says the failure is the
// narrative's, not the workbook's.
func narrativeError(err error) error {
	code, msg := model.ErrorCode(err), model.ErrorMessage(err)
	if !strings.HasPrefix(msg, "说明") {
		msg = msgNarrativePrefix + msg
	}
	return model.Errorf(code, err, "%s", msg)
}
