#!/bin/sh
# Regenerates the fixtures of testdata/annotate (see make_fixtures.py).
set -eu
dir=testdata/annotate
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./testdata/annotate/sample "$tmp/sample.xlsx"
/usr/bin/python3 "$dir/make_fixtures.py" "$tmp/sample.xlsx" "$dir/openpyxl_user_comment.xlsx"
cp "$dir/openpyxl_user_comment.xlsx" "$tmp/lo_user_comment.xlsx"
mkdir -p "$tmp/out"
soffice --headless --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir "$tmp/out" "$tmp/lo_user_comment.xlsx" >/dev/null
cp "$tmp/out/lo_user_comment.xlsx" "$dir/lo_user_comment.xlsx"
