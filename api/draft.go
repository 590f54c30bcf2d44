package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/draft"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// DOCXType is the media type of a Word document.
const DOCXType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// HeaderPlaceholders is how many 【请填写】 marks a draft leaves.
const HeaderPlaceholders = "X-Juesuan-Placeholders"

// draftFormat takes ?format= of /draft (docx, the default, or txt) out of
// the query before the shared upload reader validates the rest: check and
// fill know only xlsx and json.
func (s *server) draftFormat(c *gin.Context) (string, bool) {
	q := c.Request.URL.Query()
	format := q.Get("format")
	if format != "" {
		q.Del("format")
		c.Request.URL.RawQuery = q.Encode()
	}
	switch format {
	case "", "docx":
		return "docx", true
	case "txt":
		return "txt", true
	}
	s.problemFields(c, http.StatusBadRequest, model.EInvalid, fmt.Sprintf(msgDraftFormat, format),
		[]FieldError{{Field: "format", Detail: fmt.Sprintf(msgDraftFormat, format)}}, nil)
	return "", false
}

// draftHandler (POST /api/v1/draft): the workbook in as /fill takes it
// (body or multipart file, optional prior), the narrative drafted from its
// filled tables out as .docx, or ?format=txt as UTF-8 text.
func (s *server) draftHandler(c *gin.Context) {
	format, ok := s.draftFormat(c)
	if !ok {
		return
	}
	u, done := s.accept(c)
	if u == nil {
		return
	}
	defer done()
	var doc *draft.Document
	res, ok := s.run(c, func(ctx context.Context) (*audit.Result, error) {
		opt := s.options(u)
		prior := opt.Prior
		opt.Prior = nil // the draft reads the prior year itself, filled
		res, err := s.cfg.check(ctx, bytes.NewReader(u.file), opt)
		if err != nil {
			return nil, err
		}
		dopt := draft.Options{Year: opt.Year}
		if prior != nil {
			pres, err := s.cfg.check(ctx, prior, audit.Options{Limits: opt.Limits})
			if err != nil {
				var me *model.Error
				if errors.As(err, &me) {
					return nil, model.Errorf(me.Code, fmt.Errorf("%w: %w", audit.ErrPrior, err), "上年决算工作簿：%s", me.Message)
				}
				return nil, err
			}
			dopt.Prior = pres.Workbook
		}
		doc, err = draft.Draft(res.Workbook, dopt)
		return res, err
	})
	if !ok {
		return
	}
	s.summaryHeaders(c, &res.Report)
	s.sendDraft(c, draftName(u.fileName), doc, format, "no-store")
}

// draftSampleHandler (GET /api/v1/draft): the draft of the embedded sample
// workbook (Case A), placeholders and all; made once, kept as text.
func (s *server) draftSampleHandler(c *gin.Context) {
	format, ok := s.draftFormat(c)
	if !ok {
		return
	}
	// generate holds its lock while building: the workbook first, apart.
	data, err := s.generate("sample", func(w *bytes.Buffer) error {
		_, err := templates.Write(w, templates.CaseA(), templates.Options{Style: model.StyleMOF})
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	text, err := s.generate("draft-sample.txt", func(w *bytes.Buffer) error {
		res, err := audit.Check(context.Background(), bytes.NewReader(data), audit.Options{})
		if err != nil {
			return err
		}
		// The sample's titles print no year: its data knows it.
		doc, err := draft.Draft(res.Workbook, draft.Options{Year: templates.CaseA().Year})
		if err != nil {
			return err
		}
		return doc.WriteText(w)
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendDraft(c, "示例.说明草稿.docx", draft.Parse(string(text)), format, "no-cache")
}

// sampleDocxHandler (GET /api/v1/sample.docx): the embedded Case A
// narrative, the companion of /api/v1/sample.xlsx (试用示例 sends both).
func (s *server) sampleDocxHandler(c *gin.Context) {
	data, err := s.generate("sample.docx", func(w *bytes.Buffer) error { return draft.Sample().WriteDOCX(w) })
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", contentDisposition("示例-决算公开说明.docx"))
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, DOCXType, data)
}

func (s *server) sendDraft(c *gin.Context, name string, doc *draft.Document, format, cache string) {
	c.Header("Cache-Control", cache)
	c.Header(HeaderPlaceholders, fmt.Sprint(doc.Placeholders()))
	if format == "txt" {
		name = strings.TrimSuffix(name, ".docx") + ".txt"
		c.Header("Content-Disposition", contentDisposition(name))
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(doc.Text()))
		return
	}
	data, err := doc.DOCX()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", contentDisposition(name))
	c.Data(http.StatusOK, DOCXType, data)
}

// draftName is <stem>.说明草稿.docx after the upload's base name, the stem
// cleaned as every answered name is (uploadStem: no folders, controls or
// bidi marks).
func draftName(sent string) string {
	return uploadStem(sent) + ".说明草稿.docx"
}
