package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/rounding"
	"github.com/juesuan/juesuan/xlsx"
)

// Headers of POST /api/v1/round: how many figures the balance moved by
// 0.01 and how many identities it could not make exact.
const (
	HeaderAdjusted = "X-Juesuan-Adjusted"
	HeaderResidual = "X-Juesuan-Residual"
)

// RoundReport is the ?format=json answer of POST /api/v1/round (the fields
// of `juesuan round --json` less the output path).
type RoundReport struct {
	// Adjusted lists each figure published 0.01 from its plain rounding,
	// with every cell that prints it and its unrounded value.
	Adjusted []rounding.Adjustment `json:"adjusted"`
	// Residual lists identities that hold in 元 but could not be made to
	// hold exactly in 万元 (difference in 万元).
	Residual []rounding.Identity `json:"residual"`
	// Unbalanced lists identities that do not hold in the 元 upload
	// (difference in 元): not enforced.
	Unbalanced []rounding.Identity `json:"unbalanced"`
	Figures    int                 `json:"figures"`    // distinct figures rounded
	Identities int                 `json:"identities"` // relations enforced
	// Check is the summary of checking the 万元 workbook.
	Check model.Summary `json:"check"`
}

// roundHandler converts an uploaded 元 workbook into 万元 with the
// rounding balance (舍位平衡) and answers the 万元 workbook, or the report.
func (s *server) roundHandler(c *gin.Context) {
	u, done := s.accept(c)
	if u == nil {
		return
	}
	defer done()
	var out bytes.Buffer
	var rr *rounding.Result
	res, ok := s.run(c, func(ctx context.Context) (*audit.Result, error) {
		var err error
		if rr, err = rounding.File(ctx, bytes.NewReader(u.file), &out, rounding.Options{Limits: xlsx.Limits{MaxBytes: s.cfg.MaxUpload}}); err != nil {
			return nil, err
		}
		return audit.Check(ctx, bytes.NewReader(out.Bytes()), audit.Options{Limits: xlsx.Limits{MaxBytes: s.cfg.MaxUpload}})
	})
	if !ok {
		return
	}
	rep := RoundReport{Adjusted: rr.Adjusted, Residual: rr.Residual, Unbalanced: rr.Unbalanced,
		Figures: rr.Figures, Identities: rr.Identities, Check: res.Report.Summary}
	for _, p := range []*[]rounding.Identity{&rep.Residual, &rep.Unbalanced} {
		if *p == nil {
			*p = []rounding.Identity{}
		}
	}
	if rep.Adjusted == nil {
		rep.Adjusted = []rounding.Adjustment{}
	}
	c.Header(HeaderAdjusted, strconv.Itoa(len(rep.Adjusted)))
	c.Header(HeaderResidual, strconv.Itoa(len(rep.Residual)))
	c.Header("Cache-Control", "no-store")
	if u.q.Format == "json" {
		c.JSON(http.StatusOK, rep)
		return
	}
	// The ASCII name differs from the upload's (curl -OJ would refuse it).
	c.Header("Content-Disposition", contentDispositionAs(uploadStem(u.fileName)+"."+model.TagWan+".xlsx", model.ResultNameASCII(u.fileName, model.TagWan)))
	c.Data(http.StatusOK, XLSXType, out.Bytes())
}
