#!/usr/bin/python3
"""Writes the published-layout fixtures of juesuan with openpyxl.

Case C of the spec (../../shared/spec/nine-tables.md §7: 中共上海市普陀区委
社会工作部, FY2024, 万元) laid out as the Shanghai unit prints it (spec §2–§3,
[S2–S5]), written by a program that shares nothing with juesuan's own
template writer:

  case_c_published.xlsx      one sheet per table, every figure as published
  case_c_blank_derived.xlsx  all nine tables on one sheet; the derived cells
                             (合计/小计 rows and columns, 类 and 款 rows,
                             T01/T04 totals, T06 class and 经费合计 rows) blank

Layout (spec): title in the first row merged across the table (unit name and
year before some titles), "单位：万元" at the right, no 公开0N表 number, no
行次 column and no 栏次 row; T02/T03 with split 类|款|项 code columns and the
合计 label and amounts on the same row as 类|款|项; T05 with its 合计 row last;
T06 in two column groups with 人员经费合计/公用经费合计 on the last row; T07,
T08 and T09 (Shanghai order: 7 三公, 8 基金, 9 国资) empty with their 说明
lines (T07/T08 keep their blank 合计 row); interleaved 三公 columns; merged header cells; some header cells broken
over lines; some zero cells blank and some printed 0.00; no thousands
separators.

Run with Debian's python3 and python3-openpyxl:
    /usr/bin/python3 testdata/published/make_published.py
(the output is deterministic: fixed document properties and timestamps).
"""

import datetime
import os
import sys

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = "中共上海市普陀区委社会工作部"
YEAR = "2024"

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=16)

# 功能分类 类 rows of T01/T04's 支出 side as printed in 2024 [S3, S4] (26 rows).
CLASSES = [
    ("一", "一般公共服务支出", "201"), ("二", "外交支出", "202"), ("三", "国防支出", "203"),
    ("四", "公共安全支出", "204"), ("五", "教育支出", "205"), ("六", "科学技术支出", "206"),
    ("七", "文化旅游体育与传媒支出", "207"), ("八", "社会保障和就业支出", "208"),
    ("九", "卫生健康支出", "210"), ("十", "节能环保支出", "211"), ("十一", "城乡社区支出", "212"),
    ("十二", "农林水支出", "213"), ("十三", "交通运输支出", "214"),
    ("十四", "资源勘探工业信息等支出", "215"), ("十五", "商业服务业等支出", "216"),
    ("十六", "金融支出", "217"), ("十七", "援助其他地区支出", "219"),
    ("十八", "自然资源海洋气象等支出", "220"), ("十九", "住房保障支出", "221"),
    ("二十", "粮油物资储备支出", "222"), ("二十一", "国有资本经营预算支出", "223"),
    ("二十二", "灾害防治及应急管理支出", "224"), ("二十三", "其他支出", "229"),
    ("二十四", "债务还本支出", "231"), ("二十五", "债务付息支出", "232"),
    ("二十六", "抗疫特别国债安排的支出", "234"),
]

# Case C (spec §7). Function-code rows of T02 = T03 = T05: code, name,
# 本年收入合计/本年支出合计, 基本支出, 项目支出.
CODED = [
    ("201", "一般公共服务支出", "264.87", "62.63", "202.24"),
    ("20139", "社会工作事务", "264.87", "62.63", "202.24"),
    ("2013901", "行政运行", "51.32", "51.32", ""),
    ("2013950", "事业运行", "11.31", "11.31", ""),
    ("2013999", "其他社会工作事务支出", "202.24", "", "202.24"),
    ("208", "社会保障和就业支出", "10.82", "10.82", ""),
    ("20805", "行政事业单位养老支出", "10.82", "10.82", ""),
    ("2080505", "机关事业单位基本养老保险缴费支出", "6.18", "6.18", ""),
    ("2080506", "机关事业单位职业年金缴费支出", "4.64", "4.64", ""),
    ("210", "卫生健康支出", "2.71", "2.71", ""),
    ("21011", "行政事业单位医疗", "2.71", "2.71", ""),
    ("2101101", "行政单位医疗", "2.22", "2.22", ""),
    ("2101102", "事业单位医疗", "0.49", "0.49", ""),
    ("221", "住房保障支出", "29.42", "29.42", ""),
    ("22102", "住房改革支出", "29.42", "29.42", ""),
    ("2210201", "住房公积金", "17.70", "17.70", ""),
    ("2210203", "购房补贴", "11.72", "11.72", ""),
]
TOTAL = ("307.82", "105.58", "202.24")
T01_CLASSES = {"201": "264.87", "208": "10.82", "210": "2.71", "221": "29.42"}

# T06: (code, name, amount); left group 301 then 303, right group 302 then 310.
T06_LEFT = [
    ("301", "工资福利支出", "95.36"), ("30101", "基本工资", "14.12"), ("30102", "津贴补贴", "39.72"),
    ("30107", "绩效工资", "10.16"), ("30108", "机关事业单位基本养老保险缴费", "6.18"),
    ("30109", "职业年金缴费", "4.64"), ("30110", "职工基本医疗保险缴费", "2.71"),
    ("30112", "其他社会保障缴费", "0.09"), ("30113", "住房公积金", "17.70"),
    ("30199", "其他工资福利支出", "0.04"), ("303", "对个人和家庭的补助", "0.00"),
]
T06_RIGHT = [
    ("302", "商品和服务支出", "10.23"), ("30201", "办公费", "3.78"), ("30211", "差旅费", "1.15"),
    ("30213", "维修（护）费", "0.02"), ("30226", "劳务费", "0.68"), ("30227", "委托业务费", "0.48"),
    ("30229", "福利费", "1.48"), ("30239", "其他交通费用", "2.43"),
    ("30299", "其他商品和服务支出", "0.20"), ("310", "资本性支出", "0.00"),
]
T06_PERSONNEL, T06_PUBLIC = "95.36", "10.23"

NOTE_T07 = f"说明：{UNIT}本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。"
NOTE_T08 = f"说明：{UNIT}本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据。"
NOTE_T09 = f"说明：{UNIT}本年度没有财政拨款“三公”经费支出，故本表无数据。"


class Sheet:
    """A worksheet and a row offset: tables can be stacked on one sheet."""

    def __init__(self, ws, top=0, blank_derived=False):
        self.ws, self.top, self.blank = ws, top, blank_derived
        self.last = top

    def text(self, r, c, v, merge_to=None, header=False, font=None, align=None):
        r += self.top
        cell = self.ws.cell(row=r, column=c, value=v)
        if header:
            cell.alignment, cell.border = CENTER, BOX
            cell.font = BOLD
        if font:
            cell.font = font
        if align:
            cell.alignment = align
        if merge_to:
            r2, c2 = merge_to
            r2 += self.top
            self.ws.merge_cells(start_row=r, start_column=c, end_row=r2, end_column=c2)
            if header:
                for rr in range(r, r2 + 1):
                    for cc in range(c, c2 + 1):
                        self.ws.cell(row=rr, column=cc).border = BOX
        self.last = max(self.last, r, (merge_to[0] + self.top) if merge_to else r)

    def amount(self, r, c, v, zero="blank", derived=False):
        """Writes amount v ("" or a decimal string). zero: how a zero is
        printed ("blank" or "0.00"). derived cells stay blank in the
        blank-derived variant."""
        r += self.top
        cell = self.ws.cell(row=r, column=c)
        cell.border = BOX
        self.last = max(self.last, r)
        if derived and self.blank:
            return
        if v == "" or float(v) == 0:
            if zero == "blank":
                return
            v = "0.00"
        cell.value = float(v)
        cell.number_format = "0.00"

    def title(self, r, text, width):
        self.text(r, 1, text, merge_to=(r, width), font=TITLE, align=Alignment(horizontal="center"))

    def unit(self, r, width):
        self.text(r, width, "单位：万元", align=RIGHT)


def t01(s, title):
    """收入支出决算总表 (spec §3.1), Shanghai: 项目 | 决算数 on both sides."""
    s.title(1, title, 4)
    s.unit(2, 4)
    s.text(3, 1, "收入", merge_to=(3, 2), header=True)
    s.text(3, 3, "支出", merge_to=(3, 4), header=True)
    for c in (1, 3):
        s.text(4, c, "项    目", header=True)
        s.text(4, c + 1, "决算数", header=True)
    income = [
        ("一、一般公共预算财政拨款收入", "307.82"), ("二、政府性基金预算财政拨款收入", ""),
        ("三、国有资本经营预算财政拨款收入", ""), ("四、上级补助收入", ""), ("五、事业收入", ""),
        ("六、经营收入", ""), ("七、附属单位上缴收入", ""), ("八、其他收入", ""),
    ]
    r = 5
    for i, (label, v) in enumerate(income):
        s.text(r + i, 1, label)
        s.amount(r + i, 2, v, zero="0.00")
    for i, (ordinal, label, code) in enumerate(CLASSES):
        s.text(r + i, 3, f"{ordinal}、{label}")
        s.amount(r + i, 4, T01_CLASSES.get(code, ""))
    for i in range(len(income), len(CLASSES)):
        s.amount(r + i, 2, "")
    r += len(CLASSES)
    bottom = [
        ("本年收入合计", "307.82", True, "本年支出合计", "307.82", True),
        ("使用非财政拨款结余（含专用结余）", "0.00", False, "结余分配", "0.00", False),
        ("年初结转和结余", "0.00", False, "年末结转和结余", "0.00", False),
        ("总计", "307.82", True, "总计", "307.82", True),
    ]
    for i, (l1, v1, d1, l2, v2, d2) in enumerate(bottom):
        s.text(r + i, 1, l1, align=Alignment(horizontal="center"))
        s.amount(r + i, 2, v1, zero="0.00", derived=d1)
        s.text(r + i, 3, l2, align=Alignment(horizontal="center"))
        s.amount(r + i, 4, v2, zero="0.00", derived=d2)
    r += len(bottom)
    s.text(r, 1, "注：本表反映部门本年度的总收支和年末结转结余情况。")


def coded_header(s, first, value_heads, code_head):
    """The 项目 block of a coded table (spec §3.2): 项目 over the code and name
    columns, the function-code caption over 类|款|项, value headers merged
    over two rows. Returns the row of the 类|款|项 labels."""
    s.text(first, 1, "项目", merge_to=(first, 4), header=True)
    s.text(first + 1, 1, code_head, merge_to=(first + 1, 3), header=True)
    s.text(first + 1, 4, "科目名称", header=True)
    for i, h in enumerate(value_heads):
        s.text(first, 5 + i, h, merge_to=(first + 1, 5 + i), header=True)
    for i, h in enumerate(("类", "款", "项")):
        s.text(first + 2, 1 + i, h, header=True)
    return first + 2


def split(code):
    return code[:3], code[3:5], code[5:7]


def t02(s, title):
    """收入决算表: 合计 on the 类|款|项 row; code parts repeated on child rows
    ([S3] prints `201 | 06 | 01`); non-fiscal zero columns blank."""
    heads = ["本年收入\n合计", "财政拨款\n收入", "上级补助\n收入", "事业收入", "经营收入", "附属单位\n上缴收入", "其他收入"]
    s.title(1, title, 11)
    s.unit(2, 11)
    r = coded_header(s, 3, heads, "功能分类科目编码")
    s.text(r, 4, "合计", header=True)
    vals = [TOTAL[0], TOTAL[0], "", "", "", "", ""]
    for i, v in enumerate(vals):
        s.amount(r, 5 + i, v, derived=True)
    for code, name, total, _, _ in CODED:
        r += 1
        lei, kuan, xiang = split(code)
        s.text(r, 1, lei)
        if kuan:
            s.text(r, 2, kuan)
        if xiang:
            s.text(r, 3, xiang)
        s.text(r, 4, name)
        derived = len(code) < 7
        s.amount(r, 5, total, derived=True)
        s.amount(r, 6, total, derived=derived)
        for c in range(7, 12):
            s.amount(r, c, "")
    s.text(r + 1, 1, "注：本表反映部门本年度取得的各项收入情况。")


def t03(s, title):
    """支出决算表: 合计 on the 类|款|项 row; child rows leave the parent code
    parts blank; zero columns printed 0.00."""
    heads = ["本年支出\n合计", "基本支出", "项目支出", "上缴上级\n支出", "经营支出", "对附属单位\n补助支出"]
    s.title(1, title, 10)
    s.unit(2, 10)
    r = coded_header(s, 3, heads, "功能分类科目编码")
    s.text(r, 4, "合计", header=True)
    for i, v in enumerate([TOTAL[0], TOTAL[1], TOTAL[2], "", "", ""]):
        s.amount(r, 5 + i, v, zero="0.00", derived=True)
    for code, name, total, basic, project in CODED:
        r += 1
        lei, kuan, xiang = split(code)
        if not kuan:
            s.text(r, 1, lei)
        elif not xiang:
            s.text(r, 2, kuan)
        else:
            s.text(r, 3, xiang)
        s.text(r, 4, name)
        derived = len(code) < 7
        s.amount(r, 5, total, zero="0.00", derived=True)
        s.amount(r, 6, basic, zero="0.00", derived=derived)
        s.amount(r, 7, project, zero="0.00", derived=derived)
        for c in range(8, 11):
            s.amount(r, c, "", zero="0.00")
    s.text(r + 1, 1, "注：本表反映部门本年度各项支出情况。")


def t04(s, title):
    """财政拨款收入支出决算总表 (spec §3.4): 决算数 over the four 支出 columns."""
    s.title(1, title, 7)
    s.unit(2, 7)
    s.text(3, 1, "收入", merge_to=(3, 2), header=True)
    s.text(3, 3, "支出", merge_to=(3, 7), header=True)
    s.text(4, 1, "项目", merge_to=(5, 1), header=True)
    s.text(4, 2, "决算数", merge_to=(5, 2), header=True)
    s.text(4, 3, "项目", merge_to=(5, 3), header=True)
    s.text(4, 4, "决算数", merge_to=(4, 7), header=True)
    for i, h in enumerate(["合计", "一般公共预算\n财政拨款", "政府性基金预算\n财政拨款", "国有资本经营预算\n财政拨款"]):
        s.text(5, 4 + i, h, header=True)
    r = 6
    income = [("一、一般公共预算财政拨款", "307.82"), ("二、政府性基金预算财政拨款", ""), ("三、国有资本经营预算财政拨款", "")]
    for i, (label, v) in enumerate(income):
        s.text(r + i, 1, label)
        s.amount(r + i, 2, v)
    for i, (ordinal, label, code) in enumerate(CLASSES):
        s.text(r + i, 3, f"{ordinal}、{label}")
        v = T01_CLASSES.get(code, "")
        s.amount(r + i, 4, v, derived=True)
        s.amount(r + i, 5, v)
        s.amount(r + i, 6, "")
        s.amount(r + i, 7, "")
    r += len(CLASSES)
    left = [
        ("本年收入合计", "307.82", True), ("年初财政拨款结转和结余", "", True),
        ("一、一般公共预算财政拨款", "", False), ("二、政府性基金预算财政拨款", "", False),
        ("三、国有资本经营预算财政拨款", "", False), ("总计", "307.82", True),
    ]
    right = {
        0: ("本年支出合计", ["307.82", "307.82", "", ""]),
        1: ("年末财政拨款结转和结余", ["", "", "", ""]),
        5: ("总计", ["307.82", "307.82", "", ""]),
    }
    for i, (label, v, derived) in enumerate(left):
        s.text(r + i, 1, label, align=Alignment(horizontal="center"))
        s.amount(r + i, 2, v, derived=derived)
        if i in right:
            label2, vals = right[i]
            s.text(r + i, 3, label2, align=Alignment(horizontal="center"))
            rowderived = label2 != "年末财政拨款结转和结余"
            for k, v2 in enumerate(vals):
                s.amount(r + i, 4 + k, v2, zero="0.00" if i == 1 else "blank", derived=rowderived or k == 0)
    s.text(r + len(left), 1, "注：本表反映部门本年度财政拨款总收支和结转结余情况。")


def t05(s, title, whole_codes):
    """一般公共预算财政拨款支出决算表: 本年支出 over 合计|基本支出|项目支出,
    a pure 类|款|项 header row and the 合计 row LAST (Shanghai [S2–S5]).
    whole_codes: the code typed whole into the 类 column (2010601)."""
    s.title(1, title, 7)
    s.unit(2, 7)
    s.text(3, 1, "项目", merge_to=(3, 4), header=True)
    s.text(3, 5, "本年支出", merge_to=(3, 7), header=True)
    s.text(4, 1, "功能分类科目编码", merge_to=(4, 3), header=True)
    s.text(4, 4, "科目名称", merge_to=(5, 4), header=True)
    for i, h in enumerate(["合计", "基本支出", "项目支出"]):
        s.text(4, 5 + i, h, merge_to=(5, 5 + i), header=True)
    for i, h in enumerate(("类", "款", "项")):
        s.text(5, 1 + i, h, header=True)
    r = 5
    for code, name, total, basic, project in CODED:
        r += 1
        if whole_codes:
            s.text(r, 1, code)
        else:
            lei, kuan, xiang = split(code)
            s.text(r, 1, lei)
            s.text(r, 2, kuan or None)
            s.text(r, 3, xiang or None)
        s.text(r, 4, name)
        derived = len(code) < 7
        s.amount(r, 5, total, derived=True)
        s.amount(r, 6, basic, derived=derived)
        s.amount(r, 7, project, derived=derived)
    r += 1
    s.text(r, 1, "合计", merge_to=(r, 4), align=Alignment(horizontal="center"))
    for i, v in enumerate(TOTAL):
        s.amount(r, 5 + i, v, derived=True)
    s.text(r + 1, 1, "注：本表反映部门本年度一般公共预算财政拨款支出情况。")


def t06(s, title):
    """一般公共预算财政拨款基本支出决算表, two groups (spec §3.6 (a)); codes in
    one column as in [S4]; zero classes printed 0.00."""
    s.title(1, title, 6)
    s.unit(2, 6)
    for c in (1, 4):
        s.text(3, c, "经济分类\n科目编码", header=True)
        s.text(3, c + 1, "科目名称", header=True)
        s.text(3, c + 2, "决算数", header=True)
    r = 3
    n = max(len(T06_LEFT), len(T06_RIGHT))
    for i in range(n):
        r += 1
        for col, group in ((1, T06_LEFT), (4, T06_RIGHT)):
            if i < len(group):
                code, name, v = group[i]
                s.text(r, col, code)
                s.text(r, col + 1, name)
                s.amount(r, col + 2, v, zero="0.00", derived=len(code) == 3)
    r += 1
    s.text(r, 1, "人员经费合计", merge_to=(r, 2), align=Alignment(horizontal="center"))
    s.amount(r, 3, T06_PERSONNEL, derived=True)
    s.text(r, 4, "公用经费合计", merge_to=(r, 5), align=Alignment(horizontal="center"))
    s.amount(r, 6, T06_PUBLIC, derived=True)
    s.text(r + 1, 1, "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。")


def t09(s, title):
    """财政拨款“三公”经费支出决算表, interleaved (spec §3.9 (B)); empty."""
    s.title(1, title, 12)
    s.unit(2, 12)
    s.text(3, 1, "财政拨款“三公”经费", merge_to=(3, 12), header=True)
    s.text(4, 1, "合计", merge_to=(5, 2), header=True)
    s.text(4, 3, "因公出国（境）费", merge_to=(5, 4), header=True)
    s.text(4, 5, "公务用车购置及运行维护费", merge_to=(4, 10), header=True)
    s.text(5, 5, "小计", merge_to=(5, 6), header=True)
    s.text(5, 7, "公务用车购置费", merge_to=(5, 8), header=True)
    s.text(5, 9, "公务用车运行维护费", merge_to=(5, 10), header=True)
    s.text(4, 11, "公务接待费", merge_to=(5, 12), header=True)
    for i in range(6):
        s.text(6, 1 + 2 * i, "预算数", header=True)
        s.text(6, 2 + 2 * i, "决算数", header=True)
    for c in range(1, 13):
        s.amount(7, c, "")
    s.text(8, 1, "注：本表反映部门本年度“三公”经费支出预决算情况。")
    s.text(9, 1, NOTE_T09)


def fund(s, title, note, footnote, total_on_header):
    """政府性基金 / 国有资本经营 预算财政拨款收入支出决算表 (spec §3.7/§3.8);
    empty, "仍保留该表格式" [S2]: the 合计 row kept with blank cells, on the
    类|款|项 row (T07) or on its own row below it, merged across the code and
    name columns (T08)."""
    s.title(1, title, 10)
    s.unit(2, 10)
    s.text(3, 1, "项目", merge_to=(3, 4), header=True)
    s.text(3, 5, "年初结转\n和结余", merge_to=(4, 5), header=True)
    s.text(3, 6, "本年收入", merge_to=(4, 6), header=True)
    s.text(3, 7, "本年支出", merge_to=(3, 9), header=True)
    s.text(3, 10, "年末结转\n和结余", merge_to=(4, 10), header=True)
    s.text(4, 1, "功能分类科目编码", merge_to=(4, 3), header=True)
    s.text(4, 4, "科目名称", header=True)
    for i, h in enumerate(["小计", "基本支出", "项目支出"]):
        s.text(4, 7 + i, h, header=True)
    for i, h in enumerate(("类", "款", "项")):
        s.text(5, 1 + i, h, header=True)
    r = 5
    if total_on_header:
        s.text(r, 4, "合计", header=True)
    else:
        r += 1
        s.text(r, 1, "合计", merge_to=(r, 4), align=Alignment(horizontal="center"))
    for c in range(5, 11):
        s.amount(r, c, "")
    s.text(r + 1, 1, footnote)
    s.text(r + 2, 1, note)


def build(blank_derived):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    props = wb.properties
    props.creator = "make_published.py"
    props.created = props.modified = datetime.datetime(2025, 6, 30, 9, 0, 0)
    tables = [
        ("收支总表", lambda s: t01(s, f"{UNIT}{YEAR}年度收入支出决算总表")),
        ("收入决算表", lambda s: t02(s, "收入决算表")),
        ("支出决算表", lambda s: t03(s, "支出决算表")),
        ("财拨收支总表", lambda s: t04(s, f"{UNIT}{YEAR}年度财政拨款收入支出决算总表")),
        ("一般公共预算支出", lambda s: t05(s, "一般公共预算财政拨款支出决算表", whole_codes=not blank_derived)),
        ("基本支出", lambda s: t06(s, f"{UNIT}{YEAR}年度一般公共预算财政拨款基本支出决算表")),
        ("三公经费", lambda s: t09(s, "财政拨款“三公”经费支出决算表")),
        ("政府性基金", lambda s: fund(s, "政府性基金预算财政拨款收入支出决算表", NOTE_T07,
                                   "注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。", True)),
        ("国有资本经营", lambda s: fund(s, "国有资本经营预算财政拨款收入支出决算表", NOTE_T08,
                                    "注：本表反映部门本年度国有资本经营预算财政拨款收入支出及结转和结余情况。", False)),
    ]
    if not blank_derived:
        for name, draw in tables:
            draw(Sheet(wb.create_sheet(name)))
        return wb
    ws = wb.create_sheet("部门决算")
    top = 0
    for _, draw in tables:
        s = Sheet(ws, top=top, blank_derived=True)
        draw(s)
        top = s.last + 3
    return wb


def fix_times(path):
    """openpyxl stamps docProps/core.xml with the current time on save;
    rewrite the zip with fixed entry times and our fixed properties so the
    committed files are reproducible byte for byte."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2025-06-30T09:00:00Z", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 6, 30, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    for name, blank in (("case_c_published.xlsx", False), ("case_c_blank_derived.xlsx", True)):
        path = os.path.join(out, name)
        build(blank).save(path)
        fix_times(path)
        print(path)


if __name__ == "__main__":
    main()
