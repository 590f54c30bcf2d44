#!/bin/sh
# Regenerates the LibreOffice Calc fixtures of testdata/foreign: juesuan's
# embedded samples (both styles, cases A and C) converted by headless
# soffice to .ods and to .xls and back to .xlsx, and one annotated
# workbook (juesuan fill output, with notes) and a workbook with a user's
# comments (the xml_excel365_comments fixture, which
# `go test ./audit -run TestForeign -update` generates) opened and re-saved
# as .xlsx.
# Run from anywhere; needs soffice (libreoffice-calc-nogui) and go.
# After regenerating, run `go test ./audit -run Foreign -update` and read
# the diff of the *.expected.txt files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/juesuan-lo-XXXXXX)
trap 'rm -rf "$work"' EXIT
profile="file://$work/profile"

soffice_to() { # format outdir file
	soffice -env:UserInstallation="$profile" --headless --norestore \
		--convert-to "$1" --outdir "$2" "$3" >/dev/null 2>&1
}

cd "$root"
for style in mof shanghai; do
	for c in a c; do
		name="${style}_${c}"
		mkdir -p "$work/$name"
		go run ./cmd/juesuan sample -o "$work/$name/in.xlsx" --style "$style" --case "$c" >/dev/null 2>&1
		for via in ods xls; do
			mkdir -p "$work/$name/$via" "$work/$name/$via.back"
			soffice_to "$via" "$work/$name/$via" "$work/$name/in.xlsx"
			soffice_to xlsx "$work/$name/$via.back" "$work/$name/$via/in.$via"
			cp "$work/$name/$via.back/in.xlsx" "$here/lo_${via}_${name}.xlsx"
		done
	done
done

# An annotated workbook (filled cells, marks, notes, 审核结果 sheet) as a
# user saves it again in LibreOffice before re-uploading.
mkdir -p "$work/ann" "$work/ann.back"
go run ./cmd/juesuan fill -o "$work/ann/annotated.xlsx" >/dev/null || true
soffice_to xlsx "$work/ann.back" "$work/ann/annotated.xlsx"
cp "$work/ann.back/annotated.xlsx" "$here/lo_resaved_annotated_mof_a.xlsx"

# A user's own comments re-saved by LibreOffice (its VML names the note
# shapes shape_0, shape_1, ...).
mkdir -p "$work/user.back"
cp "$here/xml_excel365_comments.xlsx" "$work/user.xlsx"
soffice_to xlsx "$work/user.back" "$work/user.xlsx"
cp "$work/user.back/user.xlsx" "$here/lo_resaved_user_comments.xlsx"

# An explanation typed into the 审核结果 sheet (with openpyxl, as any
# program could), then the workbook re-saved by LibreOffice: the next
# upload must find it by fingerprint (audit/fingerprint_test.go).
mkdir -p "$work/expl.back"
/usr/bin/python3 - "$work/ann/annotated.xlsx" "$work/explained.xlsx" <<'PY'
import sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["审核结果"]
hdr = None
for row in ws.iter_rows():
    vals = [c.value for c in row]
    if "指纹" in vals and "审核说明" in vals:
        hdr = {v: i for i, v in enumerate(vals)}
        continue
    if hdr and vals[hdr["规则"]] == "R05.3":
        row[hdr["审核说明"]].value = "安全监管项目含基本支出 3.62 万元，系人员借调，已在决算说明中解释。"
        break
else:
    sys.exit("no R05.3 row in 审核结果")
wb.save(sys.argv[2])
PY
soffice_to xlsx "$work/expl.back" "$work/explained.xlsx"
cp "$work/expl.back/explained.xlsx" "$here/lo_resaved_explained_mof_a.xlsx"

# Case A with its derived cells blank (the xml_no_dimension fixture) saved
# by LibreOffice: the fills are written into LibreOffice's sheet XML.
mkdir -p "$work/blank.back"
cp "$here/xml_no_dimension.xlsx" "$work/blank.xlsx"
soffice_to xlsx "$work/blank.back" "$work/blank.xlsx"
cp "$work/blank.back/blank.xlsx" "$here/lo_resaved_blank_derived_mof_a.xlsx"
