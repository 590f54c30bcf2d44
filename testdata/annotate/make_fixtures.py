"""Foreign-writer fixtures for the direct write path (annotate/direct_test.go).

Run from the repository root:  sh testdata/annotate/make_fixtures.sh

openpyxl_user_comment.xlsx  the embedded sample (Case A, MOF style, derived
                            cells blank) loaded and saved by openpyxl, with a
                            user's comment on C6 of the second sheet and one
                            on A2 of the third sheet.
lo_user_comment.xlsx        the same workbook saved by LibreOffice headless
                            (its VML shapes all have id "shape_0").
"""
import sys

import openpyxl
from openpyxl.comments import Comment

src, dst = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(src)
ws = wb.worksheets[1]
ws["C6"].comment = Comment("用户批注：本行数据来自财务系统，已核对。", "张会计")
ws2 = wb.worksheets[2]
ws2["A2"].comment = Comment("请复核口径", "李审核")
wb.save(dst)
