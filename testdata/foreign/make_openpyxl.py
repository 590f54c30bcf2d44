#!/usr/bin/python3
"""Regenerates the openpyxl fixtures of testdata/foreign.

  openpyxl_scratch_mof_a.xlsx    Case A (templates/samples/case_a.yaml) in MOF
                                 style, written from scratch with openpyxl and
                                 its own layout choices: tables start in column
                                 B, no 行次/栏次 columns or rows, the 编制单位 and
                                 unit on one line, T06 in two column groups,
                                 totals as formulas with no cached values
                                 (openpyxl never computes them), a user's own
                                 comment (openpyxl's own VML), no calcChain.
  openpyxl_scratch_yunnan_a.xlsx Case A as Yunnan's set of 11 tables, written
                                 from scratch in the same layout: Yunnan's order
                                 and titles (收入支出决算表, 一般公共预算财政拨款收入
                                 支出决算表, 表十一 一般公共预算财政拨款“三公”经费
                                 情况表), plus 表七 一般公共预算财政拨款项目支出决算表
                                 (T05's 项目支出 by code, 合计 as a formula) and 表十
                                 财政拨款“三公”经费、行政参公单位机关运行经费情况表
                                 (labelled rows, （一）… ordinals, 预算数|决算数).
  openpyxl_resaved_<style>_<case>.xlsx
                                 a juesuan sample loaded with openpyxl and saved
                                 again: every part rewritten (shared strings
                                 renumbered, styles rebuilt, no calcChain,
                                 docProps replaced).

Run with Debian's /usr/bin/python3 (python3-openpyxl, python3-yaml) from
anywhere; needs go for the samples. Afterwards run
`go test ./audit -run Foreign -update` and read the diff of *.expected.txt.
"""

import os
import subprocess
import sys
import tempfile

import openpyxl
import yaml
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, Side

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MONEY = "#,##0.00"


def load_case(name):
    with open(os.path.join(ROOT, "templates", "samples", name), encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_classes():
    with open(os.path.join(ROOT, "templates", "tables.yaml"), encoding="utf-8") as f:
        return [(c["code"], c["ordinal"] + "、" + c["label"]) for c in yaml.safe_load(f)["classes"]]


class Sheet:
    """A worksheet with the helpers this layout uses (column B first)."""

    def __init__(self, wb, name, title, width, case):
        self.ws = wb.create_sheet(name)
        self.ws.column_dimensions["A"].width = 2
        for i in range(width):
            self.ws.column_dimensions[openpyxl.utils.get_column_letter(i + 2)].width = 16
        self.put(1, 0, title, font=Font(name="宋体", size=16, bold=True))
        self.merge(1, 0, 1, width - 1)
        self.ws.cell(1, 2).alignment = Alignment(horizontal="center")
        self.put(2, 0, "编制单位：" + case["unit_name"])
        self.put(2, width - 1, "单位：" + case["unit"])
        self.ws.cell(2, width + 1).alignment = Alignment(horizontal="right")

    def put(self, row, col, value, money=False, font=None, box=False):
        c = self.ws.cell(row, col + 2)
        if value is not None and value != "":
            c.value = value
        if money:
            c.number_format = MONEY
            c.border = BOX
        if box:
            c.border = BOX
        if font:
            c.font = font
        return c

    def merge(self, r1, c1, r2, c2):
        self.ws.merge_cells(start_row=r1, start_column=c1 + 2, end_row=r2, end_column=c2 + 2)

    def ref(self, row, col):
        return openpyxl.utils.get_column_letter(col + 2) + str(row)


def header(sh, row, labels):
    for i, text in enumerate(labels):
        if text is not None:
            sh.put(row, i, text, box=True, font=Font(bold=True))


def coded(wb, name, title, case, tid, cols, note):
    t = case["tables"][tid]
    sh = Sheet(wb, name, title, 2 + len(cols), case)
    header(sh, 3, ["项目", None] + cols)
    sh.merge(3, 0, 3, 1)
    for i in range(len(cols)):
        sh.merge(3, 2 + i, 4, 2 + i)
    header(sh, 4, ["科目编码", "科目名称"])
    rows = t["rows"]
    sh.put(5, 0, "合计", box=True)
    sh.merge(5, 0, 5, 1)
    r = 6
    top = []
    for code, vals in rows.items():
        if code == "合计":
            continue
        if len(code) == 3:
            top.append(r)
        sh.put(r, 0, code, box=True)  # codes as text, as the 决算 software exports them
        sh.put(r, 1, case["names"].get(code, ""), box=True)
        for i, v in enumerate(vals):
            sh.put(r, 2 + i, v, money=True)
        r += 1
    # The 合计 row as formulas over the 类 rows, without cached values.
    for i in range(len(cols)):
        sh.put(5, 2 + i, "=" + "+".join(sh.ref(x, 2 + i) for x in top), money=True)
    sh.put(r, 0, note)
    return sh


def balance_t01(wb, case, classes, name="表一", title="收入支出决算总表"):
    t = case["tables"]["T01"]["rows"]
    sh = Sheet(wb, name, title, 4, case)
    header(sh, 3, ["收入", None, "支出", None])
    sh.merge(3, 0, 3, 1)
    sh.merge(3, 2, 3, 3)
    header(sh, 4, ["项目", "金额", "项目", "金额"])
    income = ["一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入",
              "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
    ords = "一二三四五六七八"
    for i, key in enumerate(income):
        sh.put(5 + i, 0, ords[i] + "、" + key, box=True)
        sh.put(5 + i, 1, t[key][0], money=True)
    for i, (code, label) in enumerate(classes):
        sh.put(5 + i, 2, label, box=True)
        sh.put(5 + i, 3, t[code][0] if code in t else None, money=True)
    b = 5 + len(classes)
    last_class = b - 1
    sh.put(b, 0, "本年收入合计", box=True)
    sh.put(b, 1, "=SUM(%s:%s)" % (sh.ref(5, 1), sh.ref(12, 1)), money=True)
    sh.put(b, 2, "本年支出合计", box=True)
    sh.put(b, 3, "=SUM(%s:%s)" % (sh.ref(5, 3), sh.ref(last_class, 3)), money=True)
    sh.put(b + 1, 0, "使用非财政拨款结余（含专用结余）", box=True)
    sh.put(b + 1, 1, t["使用非财政拨款结余"][0], money=True)
    sh.put(b + 1, 2, "结余分配", box=True)
    sh.put(b + 1, 3, t["结余分配"][0], money=True)
    sh.put(b + 2, 0, "年初结转和结余", box=True)
    sh.put(b + 2, 1, t["年初结转和结余"][0], money=True)
    sh.put(b + 2, 2, "年末结转和结余", box=True)
    sh.put(b + 2, 3, t["年末结转和结余"][0], money=True)
    sh.put(b + 3, 0, "总计", box=True)
    sh.put(b + 3, 1, "=%s+%s+%s" % (sh.ref(b, 1), sh.ref(b + 1, 1), sh.ref(b + 2, 1)), money=True)
    sh.put(b + 3, 2, "总计", box=True)
    sh.put(b + 3, 3, "=%s+%s+%s" % (sh.ref(b, 3), sh.ref(b + 1, 3), sh.ref(b + 2, 3)), money=True)
    sh.put(b + 4, 0, "注：本表反映部门本年度的总收支和年末结转结余情况。")
    # A comment of the user's own, which every later step must keep.
    c = Comment("财务科：其他收入含利息收入 1.20 万元。", "张会计")
    c.width, c.height = 240, 80
    sh.ws[sh.ref(12, 1)].comment = c
    return sh


def balance_t04(wb, case, classes, name="表四", title="财政拨款收入支出决算总表"):
    t = case["tables"]["T04"]["rows"]
    sh = Sheet(wb, name, title, 7, case)
    header(sh, 3, ["收入", None, "支出", None, None, None, None])
    sh.merge(3, 0, 3, 1)
    sh.merge(3, 2, 3, 6)
    header(sh, 4, ["项目", "金额", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
                   "国有资本经营预算财政拨款"])
    income = [("一、一般公共预算财政拨款", "一般公共预算财政拨款"),
              ("二、政府性基金预算财政拨款", "政府性基金预算财政拨款"),
              ("三、国有资本经营预算财政拨款", "国有资本经营预算财政拨款")]
    for i, (label, key) in enumerate(income):
        sh.put(5 + i, 0, label, box=True)
        sh.put(5 + i, 1, t[key][0], money=True)
    for i, (code, label) in enumerate(classes):
        sh.put(5 + i, 2, label, box=True)
        if code in t:
            for j, v in enumerate(t[code][1:]):
                sh.put(5 + i, 3 + j, v, money=True)
    b = 5 + len(classes)
    rows = [("本年收入合计", "本年收入合计", "本年支出合计", "本年支出合计"),
            ("年初财政拨款结转和结余", "年初财政拨款结转和结余", "年末财政拨款结转和结余", "年末财政拨款结转和结余"),
            ("一、一般公共预算财政拨款", "年初/一般公共预算财政拨款", None, None),
            ("二、政府性基金预算财政拨款", "年初/政府性基金预算财政拨款", None, None),
            ("三、国有资本经营预算财政拨款", "年初/国有资本经营预算财政拨款", None, None),
            ("总计", "收入总计", "总计", "支出总计")]
    for i, (ll, lk, rl, rk) in enumerate(rows):
        sh.put(b + i, 0, ll, box=True)
        sh.put(b + i, 1, t[lk][0], money=True)
        if rl:
            sh.put(b + i, 2, rl, box=True)
            for j, v in enumerate(t[rk][1:]):
                sh.put(b + i, 3 + j, v, money=True)
    sh.put(b + len(rows), 0, "注：本表反映部门本年度财政拨款总收支和结转结余情况。")
    return sh


def econ_t06(wb, case):
    t = case["tables"]["T06"]["rows"]
    names = {"301": "工资福利支出", "30101": "基本工资", "30102": "津贴补贴", "30103": "奖金",
             "30107": "绩效工资", "30108": "机关事业单位基本养老保险缴费", "30109": "职业年金缴费",
             "30110": "职工基本医疗保险缴费", "30111": "公务员医疗补助缴费", "30112": "其他社会保障缴费",
             "30113": "住房公积金", "30199": "其他工资福利支出", "303": "对个人和家庭的补助",
             "30302": "退休费", "30309": "奖励金", "302": "商品和服务支出", "30201": "办公费",
             "30202": "印刷费", "30205": "水费", "30208": "取暖费", "30211": "差旅费",
             "30217": "公务接待费", "30228": "工会经费", "30229": "福利费",
             "30231": "公务用车运行维护费", "30239": "其他交通费用", "30299": "其他商品和服务支出",
             "310": "资本性支出"}
    sh = Sheet(wb, "表六", "一般公共预算财政拨款基本支出决算表", 6, case)
    header(sh, 3, ["人员经费", None, None, "公用经费", None, None])
    sh.merge(3, 0, 3, 2)
    sh.merge(3, 3, 3, 5)
    header(sh, 4, ["经济分类科目编码", "科目名称", "决算数"] * 2)
    left = [c for c in t if c[:3] in ("301", "303") and c[0].isdigit()]
    right = [c for c in t if c[:3] in ("302", "310") and c[0].isdigit()]
    for side, codes in ((0, left), (3, right)):
        for i, code in enumerate(codes):
            sh.put(5 + i, side, code, box=True)
            sh.put(5 + i, side + 1, names[code], box=True)
            sh.put(5 + i, side + 2, t[code][0], money=True)
    b = 5 + max(len(left), len(right))
    sh.put(b, 0, "人员经费合计", box=True)
    sh.merge(b, 0, b, 1)
    sh.put(b, 2, t["人员经费合计"][0], money=True)
    sh.put(b, 3, "公用经费合计", box=True)
    sh.merge(b, 3, b, 4)
    sh.put(b, 5, t["公用经费合计"][0], money=True)
    sh.put(b + 1, 0, "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。")
    return sh


def empty_fund(wb, case, tid, name, title, note):
    sh = Sheet(wb, name, title, 8, case)
    header(sh, 3, ["项目", None, "年初结转和结余", "本年收入", "本年支出", None, None, "年末结转和结余"])
    sh.merge(3, 0, 3, 1)
    sh.merge(3, 4, 3, 6)
    for c in (2, 3, 7):
        sh.merge(3, c, 4, c)
    header(sh, 4, ["科目编码", "科目名称", None, None, "小计", "基本支出", "项目支出"])
    sh.put(5, 0, "合计", box=True)
    sh.merge(5, 0, 5, 1)
    sh.put(6, 0, note)
    sh.put(7, 0, case["empty_notes"][tid])
    return sh


def sangong(wb, case, name="表九", title="财政拨款“三公”经费支出决算表"):
    vals = case["tables"]["T09"]["rows"]["三公经费"]
    sh = Sheet(wb, name, title, 12, case)
    for block, label in ((0, "预算数"), (6, "决算数")):
        sh.put(3, block, label, box=True, font=Font(bold=True))
        sh.merge(3, block, 3, block + 5)
        sh.put(4, block, "合计", box=True)
        sh.merge(4, block, 5, block)
        sh.put(4, block + 1, "因公出国（境）费", box=True)
        sh.merge(4, block + 1, 5, block + 1)
        sh.put(4, block + 2, "公务用车购置及运行维护费", box=True)
        sh.merge(4, block + 2, 4, block + 4)
        sh.put(5, block + 2, "小计", box=True)
        sh.put(5, block + 3, "公务用车购置费", box=True)
        sh.put(5, block + 4, "公务用车运行维护费", box=True)
        sh.put(4, block + 5, "公务接待费", box=True)
        sh.merge(4, block + 5, 5, block + 5)
    for i, v in enumerate(vals):
        sh.put(6, i, v, money=True)
    sh.put(7, 0, "注：本表反映部门本年度“三公”经费支出预决算情况。")
    return sh


def scratch(path):
    case = load_case("case_a.yaml")
    classes = load_classes()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    balance_t01(wb, case, classes)
    coded(wb, "表二", "收入决算表", case, "T02",
          ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"],
          "注：本表反映部门本年度取得的各项收入情况。")
    coded(wb, "表三", "支出决算表", case, "T03",
          ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
          "注：本表反映部门本年度各项支出情况。")
    balance_t04(wb, case, classes)
    coded(wb, "表五", "一般公共预算财政拨款支出决算表", case, "T05",
          ["合计", "基本支出", "项目支出"], "注：本表反映部门本年度一般公共预算财政拨款支出情况。")
    econ_t06(wb, case)
    empty_fund(wb, case, "T07", "表七", "政府性基金预算财政拨款收入支出决算表",
               "注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。")
    empty_fund(wb, case, "T08", "表八", "国有资本经营预算财政拨款收入支出决算表",
               "注：本表反映部门本年度国有资本经营预算财政拨款收入支出及结转和结余情况。")
    sangong(wb, case)
    wb.properties.creator = "openpyxl fixture"
    wb.save(path)


def project_t10(wb, case):
    """表七 of Yunnan: T05's 项目支出 for the 类 that have any, by code."""
    rows = case["tables"]["T05"]["rows"]
    sh = Sheet(wb, "表七", "一般公共预算财政拨款项目支出决算表", 3, case)
    header(sh, 3, ["项目", None, "决算数"])
    sh.merge(3, 0, 3, 1)
    sh.merge(3, 2, 4, 2)
    header(sh, 4, ["科目编码", "科目名称"])
    sh.put(5, 0, "合计", box=True)
    sh.merge(5, 0, 5, 1)
    r, top = 6, []
    for code, vals in rows.items():
        if code == "合计" or float(rows[code[:3]][2]) == 0:
            continue
        if len(code) == 3:
            top.append(r)
        sh.put(r, 0, code, box=True)
        sh.put(r, 1, case["names"].get(code, ""), box=True)
        sh.put(r, 2, vals[2], money=True)
        r += 1
    sh.put(5, 2, "=" + "+".join(sh.ref(x, 2) for x in top), money=True)
    sh.put(r, 0, "注：本表反映部门本年度一般公共预算财政拨款项目支出情况。")
    return sh


def sangong_t11(wb, case):
    """表十 of Yunnan: 三公 items and 机关运行经费 as labelled rows."""
    v = case["tables"]["T09"]["rows"]["三公经费"]
    common = case["tables"]["T06"]["rows"]["公用经费合计"][0]
    sh = Sheet(wb, "表十", "财政拨款“三公”经费、行政参公单位机关运行经费情况表", 3, case)
    header(sh, 3, ["项目", "预算数", "决算数"])
    lines = [("“三公”经费支出合计", 0), ("（一）因公出国（境）费", 1), ("（二）公务用车购置及运行维护费", 2),
             ("1.公务用车购置费", 3), ("2.公务用车运行维护费", 4), ("（三）公务接待费", 5)]
    for i, (label, k) in enumerate(lines):
        sh.put(4 + i, 0, label, box=True)
        sh.put(4 + i, 1, v[k], money=True)
        sh.put(4 + i, 2, v[6 + k], money=True)
    sh.put(10, 0, "行政参公单位机关运行经费", box=True)
    sh.put(10, 1, None, money=True)
    sh.put(10, 2, common, money=True)
    sh.put(11, 0, "注：本表反映部门本年度财政拨款“三公”经费支出预决算情况和行政参公单位机关运行经费情况。")
    return sh


def scratch_yunnan(path):
    case = load_case("case_a.yaml")
    classes = load_classes()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    balance_t01(wb, case, classes, title="收入支出决算表")
    coded(wb, "表二", "收入决算表", case, "T02",
          ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"],
          "注：本表反映部门本年度取得的各项收入情况。")
    coded(wb, "表三", "支出决算表", case, "T03",
          ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
          "注：本表反映部门本年度各项支出情况。")
    balance_t04(wb, case, classes, title="财政拨款收入支出决算表")
    coded(wb, "表五", "一般公共预算财政拨款收入支出决算表", case, "T05",
          ["合计", "基本支出", "项目支出"], "注：本表反映部门本年度一般公共预算财政拨款支出情况。")
    econ_t06(wb, case)
    project_t10(wb, case)
    empty_fund(wb, case, "T07", "表八", "政府性基金预算财政拨款收入支出决算表",
               "注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。")
    empty_fund(wb, case, "T08", "表九", "国有资本经营预算财政拨款收入支出决算表",
               "注：本表反映部门本年度国有资本经营预算财政拨款收入支出及结转和结余情况。")
    sangong_t11(wb, case)
    sangong(wb, case, name="表十一", title="一般公共预算财政拨款“三公”经费情况表")
    wb.properties.creator = "openpyxl fixture"
    wb.save(path)


def resave(style, case, path):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.xlsx")
        subprocess.run(["go", "run", "./cmd/juesuan", "sample", "-o", src, "--style", style, "--case", case],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        wb = openpyxl.load_workbook(src)
        wb.save(path)


def main():
    if sys.argv[1:] == ["yunnan"]:  # only the Yunnan fixture
        scratch_yunnan(os.path.join(HERE, "openpyxl_scratch_yunnan_a.xlsx"))
        return 0
    scratch(os.path.join(HERE, "openpyxl_scratch_mof_a.xlsx"))
    scratch_yunnan(os.path.join(HERE, "openpyxl_scratch_yunnan_a.xlsx"))
    for style, case in (("mof", "a"), ("shanghai", "c")):
        resave(style, case, os.path.join(HERE, "openpyxl_resaved_%s_%s.xlsx" % (style, case)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
