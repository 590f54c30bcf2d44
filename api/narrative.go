package api

// narrative.go: the multipart part narrative (决算公开说明, .docx/.txt/PDF)
// of POST /api/v1/check and /api/v1/fill. Its findings join the workbook's
// report, so status, counts and summary headers cover both documents, as
// `juesuan check --narrative` does.

import (
	"strings"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
)

// multipartFiles is how many files a multipart upload may carry, each
// within MaxUpload: the workbook, the prior-year workbook and the narrative.
// Body limits and the memory floor count all three.
const multipartFiles = 3

// narrativeResult is the narrative of a request as read and checked.
type narrativeResult struct {
	doc *narrative.Document
	an  *narrative.Analysis
}

// checkNarrative reads the upload's narrative (nil when none was sent) and
// checks it against the workbook of res; the report of res then covers
// both documents. A narrative that cannot be read fails the request with
// the reader's code (too_large, too_many, corrupt, unsupported, encrypted,
// invalid, no_text) and a Chinese detail naming the narrative.
func (s *server) checkNarrative(u *upload, res *audit.Result) (*narrativeResult, error) {
	if u.narrative == nil {
		return nil, nil
	}
	doc, err := narrative.ReadBytes(u.narrative, narrativeName(u.narrativeName), narrative.Limits{MaxBytes: s.cfg.MaxUpload})
	if err != nil {
		return nil, narrativeError(err)
	}
	an := narrative.Analyze(doc, res.Workbook)
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
