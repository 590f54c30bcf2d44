// 决算审核助手 web page. Plain browser JavaScript, no build step and no
// external resources (machines may be offline). Every string that comes from
// a workbook or a narrative (sheet names, labels, values, quotes) is inserted
// as text nodes or textContent, never parsed as markup.
"use strict";

(function () {
  const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  // Standard names, used only when a report lacks the printed title.
  const TABLES = {
    T01: "收入支出决算总表",
    T02: "收入决算表",
    T03: "支出决算表",
    T04: "财政拨款收入支出决算总表",
    T05: "一般公共预算财政拨款支出决算表",
    T06: "一般公共预算财政拨款基本支出决算表",
    T07: "政府性基金预算财政拨款收入支出决算表",
    T08: "国有资本经营预算财政拨款收入支出决算表",
    T09: "财政拨款“三公”经费支出决算表",
  };
  const SEV = { error: "错误", warning: "提示", info: "尾差" };
  const SEV_RANK = { error: 0, warning: 1, info: 2 };
  const STATUS = { pass: "通过", warn: "有提示", fail: "未通过" };
  const NARRATIVE = "narrative"; // the group key of the 决算公开说明's findings
  const MAX_EXPLANATION = 2000; // as the service bounds one 审核说明

  const $ = (id) => document.getElementById(id);
  const live = $("live");
  const filesList = $("files");
  const filters = $("filters");
  let seq = 0;
  let maxUpload = 20 * 1024 * 1024;

  // el builds an element; children are nodes or strings (added as text).
  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") n.className = v;
      else if (k === "text") n.textContent = v;
      else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      n.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return n;
  }

  function announce(msg) {
    // Clearing first makes screen readers repeat identical messages.
    live.textContent = "";
    window.setTimeout(() => { live.textContent = msg; }, 30);
  }

  function fmtSize(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }

  // fmtNum prints a plain decimal as #,##0.00 ("1427.6" -> "1,427.60"); other
  // text stays as it is, an empty value is a dash.
  function fmtNum(v) {
    const m = /^(-?)(\d+)(\.\d+)?$/.exec(String(v || "").trim());
    if (!m) return v || "—";
    let frac = m[3] || ".";
    while (frac.length < 3) frac += "0";
    return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + frac;
  }

  function options() {
    const p = new URLSearchParams();
    if ($("opt-exact").checked) p.set("exact", "true");
    if ($("opt-overwrite").checked) p.set("overwrite", "true");
    if ($("opt-rounding").checked) p.set("mark_rounding", "true");
    return p;
  }

  function url(path, params, extra) {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    const s = p.toString();
    return path + (s ? "?" + s : "");
  }

  // problemOf reads an RFC 9457 problem; null when the body is not one.
  function problemOf(body) {
    try {
      const p = JSON.parse(body);
      return p && (p.detail || p.title) ? p : null;
    } catch (e) {
      return null;
    }
  }

  // problemText turns a problem (or anything else) into a message.
  function problemText(status, body) {
    const p = problemOf(body);
    if (p) return p.detail || p.title;
    if (status === 0) return "无法连接服务器，请检查网络后重试。";
    if (status === 404) return "此服务尚不支持该功能（服务器返回 404）。";
    return "服务器返回错误 " + status + "。";
  }

  // send posts multipart form data with upload progress; parts maps field
  // names to Files (sent with their names) or strings. Resolves with
  // {status, xhr}.
  function send(path, parts, responseType, onProgress) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", path);
      xhr.responseType = responseType;
      if (onProgress) {
        xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
        xhr.upload.onload = () => onProgress(1);
      }
      xhr.onload = () => resolve({ status: xhr.status, xhr });
      xhr.onerror = () => resolve({ status: 0, xhr });
      xhr.ontimeout = () => resolve({ status: 0, xhr });
      const fd = new FormData();
      for (const [k, v] of Object.entries(parts)) {
        if (v === null || v === undefined) continue;
        if (v instanceof Blob) fd.append(k, v, v.name || k);
        else fd.append(k, v);
      }
      xhr.send(fd);
    });
  }

  async function responseText(res) {
    const r = res.xhr.response;
    if (r instanceof Blob) return r.text();
    return typeof r === "string" ? r : res.xhr.responseText || "";
  }

  function filenameFrom(disposition, fallback) {
    if (!disposition) return fallback;
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    if (star) {
      try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ }
    }
    const plain = /filename="?([^";]+)"?/i.exec(disposition);
    return plain ? plain[1] : fallback;
  }

  function saveBlob(blob, name) {
    const href = URL.createObjectURL(blob);
    const a = el("a", { href, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(href), 60000);
  }

  // ---- kinds of file --------------------------------------------------

  function isWorkbook(f) { return /\.(xlsx|xlsm)$/i.test(f.name) || f.type === XLSX; }
  function isNarrative(f) { return /\.(docx|txt|pdf)$/i.test(f.name) || f.type === DOCX || f.type === "application/pdf"; }
  function isZip(f) { return /\.zip$/i.test(f.name) || f.type === "application/zip" || f.type === "application/x-zip-compressed"; }
  function narrativeKind(f) {
    if (/\.pdf$/i.test(f.name)) return "PDF";
    if (/\.txt$/i.test(f.name)) return "文本";
    return "Word 文档";
  }

  // ---- one workbook card ----------------------------------------------

  function addCard(title, size) {
    const id = "f" + (++seq);
    const prog = el("progress", { max: "100", value: "0", "aria-labelledby": id + "-state" });
    const state = el("span", { id: id + "-state", class: "state", text: "等待上传" });
    const body = el("div", { class: "card-body" });
    const card = el("li", { class: "card", id, "aria-labelledby": id + "-h", "data-state": "busy" },
      el("div", { class: "card-head" },
        el("h3", { id: id + "-h", class: "fname", text: title }),
        size !== undefined ? el("span", { class: "size muted", text: fmtSize(size) }) : null,
        el("div", { class: "prog" }, prog, state)),
      body);
    filesList.prepend(card);
    $("empty").hidden = true;
    $("clear").disabled = false;
    return { card, prog, state, body, id, expl: {} };
  }

  function fail(ui, message, name) {
    ui.card.dataset.state = "error";
    ui.prog.remove();
    ui.state.textContent = "无法审核";
    ui.state.className = "state badge bad";
    ui.body.replaceChildren(el("p", { class: "problem", role: "alert", text: message }));
    announce((name || "") + " 无法审核：" + message);
  }

  // checkOne sends one workbook (with the narrative and prior-year workbook
  // when given) to /check and resolves with the report or a message.
  async function checkOne(file, narrative, prior, onProgress) {
    const res = await send(url("api/v1/check", options(), { grid: "true" }),
      { file, narrative, prior }, "text", onProgress);
    if (res.status !== 200) return { error: problemText(res.status, res.xhr.responseText) };
    try {
      return { report: JSON.parse(res.xhr.responseText) };
    } catch (e) {
      return { error: "服务器返回的结果无法解析。" };
    }
  }

  async function process(file, narrative) {
    const ui = addCard(file.name, file.size);
    ui.file = file;
    ui.narrative = narrative || null;
    if (narrative) {
      ui.card.querySelector(".card-head").after(el("p", { class: "pair muted" },
        "工作簿：", el("strong", { text: file.name }), "　决算公开说明（" + narrativeKind(narrative) + "）：",
        el("strong", { text: narrative.name })));
    }
    if (file.size > maxUpload || (narrative && narrative.size > maxUpload)) {
      fail(ui, "文件超过 " + fmtSize(maxUpload) + " 的上传上限。", file.name);
      return ui;
    }
    ui.state.textContent = "上传中";
    announce("正在上传 " + file.name);
    ui.prior = $("prior").files[0] || null;
    ui.params = options();
    const out = await checkOne(file, ui.narrative, ui.prior, (f) => {
      ui.prog.value = Math.round(f * 100);
      ui.state.textContent = f < 1 ? "上传中 " + Math.round(f * 100) + "%" : "审核中…";
      if (f >= 1) ui.prog.removeAttribute("value"); // indeterminate while checking
    });
    if (out.error) {
      fail(ui, out.error, file.name);
      return ui;
    }
    done(ui, out.report);
    return ui;
  }

  function tableTitle(report, id) {
    if (id === NARRATIVE) return "决算公开说明";
    const t = (report.tables || []).find((x) => x.id === id);
    // As printed (number and title), else the standard name; never the id.
    const title = (t && t.title) || TABLES[id] || "";
    const num = t && t.number && !title.includes(t.number) ? t.number + " " : "";
    return num + title;
  }

  function done(ui, report) {
    const s = report.summary || {};
    ui.card.dataset.state = report.status;
    ui.report = report;
    ui.prog.remove();
    ui.state.textContent = STATUS[report.status] || report.status;
    ui.state.className = "state badge " + (report.status === "fail" ? "bad" : report.status === "warn" ? "warn" : "ok");

    const dlState = el("span", { class: "muted dl-state", "aria-live": "polite" });
    const dl = el("button", { type: "button", class: "btn primary", text: ui.narrative ? "下载标注后的工作簿和说明" : "下载标注后的工作簿" });
    dl.addEventListener("click", () => download(ui, dl, dlState));
    const clean = el("button", { type: "button", class: "btn secondary dl-clean", text: "下载报送版" });
    clean.addEventListener("click", () => downloadClean(ui, clean, dlState, false));
    const actions = [dl, clean];
    if (report.unit === "元" || (report.tables || []).some((t) => t.unit === "元")) {
      const round = el("button", { type: "button", class: "btn secondary dl-round", text: "舍位平衡为万元" });
      round.addEventListener("click", () => downloadRound(ui, round, dlState));
      actions.push(round);
    }

    const counts = el("ul", { class: "counts", "aria-label": "汇总" },
      el("li", { class: "c error" }, el("strong", { text: String(s.errors || 0) }), " 个错误"),
      el("li", { class: "c warning" }, el("strong", { text: String(s.warnings || 0) }), " 个提示"),
      el("li", { class: "c info" }, el("strong", { text: String(s.infos || 0) }), " 处尾差"),
      el("li", { class: "c fill" }, el("strong", { text: String(s.filled || 0) }), " 个单元格已自动填列"));

    const tables = (report.tables || []).map((t) => tableTitle(report, t.id)).filter(Boolean);
    const metaParts = [];
    if (report.unit_name) metaParts.push("单位：" + report.unit_name);
    if (report.unit) metaParts.push("金额单位：" + report.unit);
    metaParts.push("识别到 " + tables.length + " 张表" + (tables.length ? "：" + tables.join("、") : ""));
    const meta = el("p", { class: "muted meta", text: metaParts.join("　") });

    // No null part: replaceChildren would print it as "null".
    ui.body.replaceChildren(...[
      el("div", { class: "summary" }, counts, el("div", { class: "dl" }, actions, dlState)),
      meta,
      el("p", { class: "xsum muted", "aria-live": "polite" }),
      renderFindings(ui, report),
      renderFills(report)].filter(Boolean));
    updateTableFilter();
    applyFilters();
    explainedNote(ui);
    window.requestAnimationFrame(() => showSuspects(ui.body));
    announce(ui.file.name + " 审核完成：" + (s.errors || 0) + " 个错误，" + (s.warnings || 0) + " 个提示，" + (s.infos || 0) + " 处尾差。");
  }

  // explanations is what was typed in the 审核说明 boxes (non-empty only).
  function explanations(ui) {
    const out = {};
    for (const [fp, text] of Object.entries(ui.expl || {})) {
      if (text.trim()) out[fp] = text.trim();
    }
    return Object.keys(out).length ? JSON.stringify(out) : null;
  }

  // fetchInto posts the card's workbook to path and saves the answer; it
  // resolves with the status (and the body of a refusal) and the xhr.
  async function fetchInto(ui, path, params, parts, btn, stateEl, fallbackName) {
    btn.disabled = true;
    stateEl.textContent = "正在生成…";
    const res = await send(url(path, params), Object.assign({ file: ui.file }, parts), "blob");
    btn.disabled = false;
    if (res.status !== 200) {
      return { status: res.status, body: await responseText(res) };
    }
    const name = filenameFrom(res.xhr.getResponseHeader("Content-Disposition"), fallbackName);
    saveBlob(res.xhr.response, name);
    stateEl.textContent = "已下载：" + name;
    announce("已下载 " + name);
    return { status: 200, xhr: res.xhr, name };
  }

  function baseName(ui) { return ui.file.name.replace(/\.(xlsx|xlsm)$/i, ""); }

  // fillParams are the options the card was checked with (so the download
  // matches what the page shows) and whether to mark 尾差, as ticked now.
  function fillParams(ui, extra) {
    const p = new URLSearchParams(ui.params || options());
    if ($("opt-rounding").checked) p.set("mark_rounding", "true");
    else p.delete("mark_rounding");
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return p;
  }

  async function download(ui, btn, stateEl) {
    const r = await fetchInto(ui, "api/v1/fill", fillParams(ui),
      { prior: ui.prior, narrative: ui.narrative, explanations: explanations(ui) },
      btn, stateEl, baseName(ui) + ".审核.xlsx");
    if (r.status !== 200) stateEl.textContent = problemText(r.status, r.body);
  }

  // downloadClean asks for the copy for 报送; while errors remain the
  // service refuses (422 errors_remain) and the page says why and offers to
  // download it anyway.
  async function downloadClean(ui, btn, stateEl, force) {
    const extra = { clean: "true" };
    if (force) extra.force = "true";
    const r = await fetchInto(ui, "api/v1/fill", fillParams(ui, extra), { prior: ui.prior }, btn, stateEl, baseName(ui) + ".报送.xlsx");
    if (r.status === 200) return;
    const p = problemOf(r.body);
    if (r.status === 422 && p && p.code === "errors_remain") {
      const again = el("button", { type: "button", class: "linkbtn dl-force", text: "仍要下载" });
      again.addEventListener("click", () => downloadClean(ui, btn, stateEl, true));
      stateEl.replaceChildren(el("span", { class: "warn-text", text: p.detail + " " }), again);
      again.focus();
      return;
    }
    stateEl.textContent = problemText(r.status, r.body);
  }

  // downloadRound asks for the 万元 copy of a 元 workbook (舍位平衡).
  async function downloadRound(ui, btn, stateEl) {
    const r = await fetchInto(ui, "api/v1/round", new URLSearchParams(), {}, btn, stateEl, baseName(ui) + ".万元.xlsx");
    if (r.status !== 200) {
      stateEl.textContent = problemText(r.status, r.body);
      return;
    }
    const adj = r.xhr.getResponseHeader("X-Juesuan-Adjusted");
    const res = r.xhr.getResponseHeader("X-Juesuan-Residual");
    if (adj !== null) {
      stateEl.textContent = "已下载：" + r.name + "（调整 " + adj + " 个数字" + (Number(res) > 0 ? "，" + res + " 个等式无法严格平衡" : "，各等式均严格成立") + "）";
    }
  }

  // ---- findings -------------------------------------------------------

  function groupKey(f) { return f.narrative ? NARRATIVE : f.table || ""; }

  function renderFindings(ui, report) {
    const findings = report.findings || [];
    if (findings.length === 0) {
      return el("p", { class: "allgood", text: "未发现问题：全部勾稽关系均成立。" });
    }
    const groups = new Map();
    for (const f of findings) {
      const key = groupKey(f);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(f);
    }
    const worst = (list) => Math.min(...list.map((f) => SEV_RANK[f.severity] ?? 3));
    const order = (k) => (k === "" ? "~~" : k === NARRATIVE ? "~" : k);
    const keys = [...groups.keys()].sort((a, b) => worst(groups.get(a)) - worst(groups.get(b)) || order(a).localeCompare(order(b)));
    const wrap = el("div", { class: "groups" });
    for (const key of keys) {
      const list = groups.get(key).slice().sort((a, b) => (SEV_RANK[a.severity] ?? 3) - (SEV_RANK[b.severity] ?? 3));
      const n = { error: 0, warning: 0, info: 0 };
      list.forEach((f) => { n[f.severity] = (n[f.severity] || 0) + 1; });
      const name = key ? tableTitle(report, key) : "工作簿结构";
      const t = (report.tables || []).find((x) => x.id === key);
      const main = list.filter((f) => f.severity !== "info");
      const infos = list.filter((f) => f.severity === "info");
      const items = main.map((f) => renderFinding(ui, report, f));
      // 尾差 within tolerance: one line per table, the list folded under it.
      if (infos.length) {
        items.push(el("li", { class: "rounding", "data-sev": "info" },
          el("details", {},
            el("summary", { text: "尾差 " + infos.length + " 处，均在允许范围内" }),
            el("ul", { class: "findings" }, infos.map((f) => renderFinding(ui, report, f))))));
      }
      const group = el("details", { class: "group", "data-table": key, open: worst(list) <= 1 },
        el("summary", {}, el("h4", {},
          el("span", { text: name }),
          t && t.sheet ? el("span", { class: "muted sheet", text: "工作表：" + t.sheet }) : null,
          el("span", { class: "gcount" },
            n.error ? el("span", { class: "badge bad", text: n.error + " 错误" }) : null,
            n.warning ? el("span", { class: "badge warn", text: n.warning + " 提示" }) : null,
            n.info ? el("span", { class: "badge infob", text: n.info + " 尾差" }) : null))),
        el("ul", { class: "findings" }, items));
      wrap.append(group);
    }
    wrap.append(el("p", { class: "nomatch muted", hidden: true, text: "没有符合筛选条件的发现。" }));
    return wrap;
  }

  function renderFinding(ui, report, f) {
    const where = f.narrative ? narrativeWhere(f.narrative) : (f.sheet ? f.sheet + "!" : "") + (f.cell || "");
    const li = el("li", { class: "finding " + f.severity, "data-sev": f.severity, "data-fp": f.fingerprint || "",
      "data-q": [f.rule, f.message, where, (f.grids || []).map((g) => g.title).join(" ")].join(" ").toLowerCase() },
      el("div", { class: "f-head" },
        el("span", { class: "badge sev " + f.severity, text: SEV[f.severity] || f.severity }),
        el("code", { class: "rule", text: f.rule }),
        where ? el("span", { class: "where", text: where }) : null,
        f.explained ? el("span", { class: "badge ok", text: "已说明" }) : null),
      el("p", { class: "msg", text: f.message }));
    if (f.narrative && f.narrative.quote) {
      li.append(el("blockquote", { class: "quote" }, el("span", { class: "muted", text: "说明原文：" }), f.narrative.quote));
    }
    // An equation's figures; a hint (提示 of a usual rule) reads as words.
    if (f.severity !== "warning" && (f.expected || f.actual || f.difference)) {
      li.append(el("dl", { class: "nums" },
        el("div", {}, el("dt", { text: "应为" }), el("dd", { text: fmtNum(f.expected) })),
        el("div", {}, el("dt", { text: "实为" }), el("dd", { text: fmtNum(f.actual) })),
        el("div", { class: "diff" }, el("dt", { text: "差额" }), el("dd", { text: fmtNum(f.difference) })),
        el("div", {}, el("dt", { text: "容差" }), el("dd", { text: f.tolerance ? fmtNum(f.tolerance) : "—" }))));
    }
    const grids = f.grids || [];
    if (grids.length) {
      const view = el("div", { class: "grids" }, grids.map((g) => renderGrid(report, g)), gridLegend());
      // A 尾差's table is there when asked; an error's or a hint's is shown.
      li.append(f.severity === "info" ? el("details", { class: "grid-fold" }, el("summary", { text: "查看表格" }), view) : view);
    }
    if (f.severity === "warning" && f.fingerprint) {
      li.append(explainBox(ui, f));
    } else if (f.explanation) {
      li.append(el("p", { class: "explain" }, el("strong", { text: "审核说明：" }), f.explanation));
    }
    return li;
  }

  function narrativeWhere(n) {
    if (n.table > 0) return "说明中第 " + n.table + " 个表格第 " + n.row + " 行第 " + n.col + " 列";
    if (n.paragraph >= 0) return "说明第 " + (n.paragraph + 1) + " 段" + (n.section ? "（" + n.section + "）" : "");
    return n.section ? "说明：" + n.section : "决算公开说明";
  }

  // explainBox is the 审核说明 of one 提示: what is typed is sent with the
  // download and written into the workbook's 审核结果 sheet.
  function explainBox(ui, f) {
    const id = ui.id + "-x-" + f.fingerprint;
    const hint = el("span", { id: id + "-h", class: "muted x-hint", "aria-live": "polite",
      text: f.explanation ? "已从工作簿读取；可修改，下载时写入审核结果表。" : "填写后点“下载标注后的工作簿”，说明写入工作簿的审核结果表。" });
    const box = el("textarea", { id, class: "x-text", rows: "2", maxlength: String(MAX_EXPLANATION),
      "aria-describedby": id + "-h", placeholder: "如：该项为派驻人员经费，已核实。" });
    box.value = f.explanation || "";
    if (f.explanation) ui.expl[f.fingerprint] = f.explanation;
    box.addEventListener("input", () => {
      ui.expl[f.fingerprint] = box.value;
      hint.textContent = box.value.trim() ? "将随下载写入工作簿的审核结果表（审核说明列）。" : "未填写说明。";
      explainedNote(ui);
    });
    return el("div", { class: "explain-box" }, el("label", { for: id, text: "审核说明" }), box, hint);
  }

  // explainedNote says on the card how many 提示 have a 审核说明 and, when
  // all have and no error remains, that the download will read 通过.
  function explainedNote(ui) {
    const note = ui.body.querySelector(".xsum");
    if (!note || !ui.report) return;
    const warnings = (ui.report.findings || []).filter((f) => f.severity === "warning" && f.fingerprint);
    const n = warnings.filter((f) => (ui.expl[f.fingerprint] || "").trim()).length;
    if (!warnings.length) { note.textContent = ""; return; }
    note.textContent = "已填写审核说明 " + n + " / " + warnings.length + " 条" +
      (n === warnings.length && !(ui.report.summary || {}).errors ? "：下载的工作簿审核结论为“通过”。" : "。");
  }

  function gridLegend() {
    return el("p", { class: "legend muted", "aria-hidden": "true" },
      el("span", { class: "key suspect" }), "可疑单元格　",
      el("span", { class: "key operand" }), "同一勾稽关系的单元格　",
      el("span", { class: "key filled" }), "自动填列");
  }

  // renderGrid draws the part of the table around a finding: the 现场数据
  // view, row codes and names, column headers, amounts as #,##0.00.
  function renderGrid(report, g) {
    const t = (report.tables || []).find((x) => x.id === g.table);
    const title = (g.number && !(g.title || "").includes(g.number) ? g.number + " " : "") + (g.title || tableTitle(report, g.table));
    const unit = g.unit || (t && t.unit) || "";
    const hasCode = (g.rows || []).some((r) => r.code);
    const head = el("tr", {},
      hasCode ? el("th", { scope: "col", class: "code", text: "科目编码" }) : null,
      el("th", { scope: "col", class: "label", text: hasCode ? "科目名称" : "项目" }),
      (g.columns || []).map((c) => el("th", { scope: "col", class: "num", title: c.letter + " 列" },
        String(c.header || c.key).replace(/\//g, " · "))));
    const body = [];
    const ncol = (g.columns || []).length + (hasCode ? 2 : 1);
    for (const r of g.rows || []) {
      if (r.gap) body.push(el("tr", { class: "gap" }, el("td", { colspan: String(ncol), text: "⋯" })));
      body.push(el("tr", {},
        hasCode ? el("td", { class: "code", text: r.code || "" }) : null,
        el("th", { scope: "row", class: "label", text: r.label || r.key }),
        (r.cells || []).map((c) => {
          const cls = ["num", c.role || "", c.filled ? "filled" : ""].filter(Boolean).join(" ");
          const text = c.value ? fmtNum(c.value) : c.raw || "";
          const tip = (c.cell || "") + (c.role === "suspect" ? " 可疑" : c.role === "operand" ? " 相关" : "") + (c.filled ? " 自动填列" : "");
          return el("td", { class: cls, title: tip.trim(), "data-cell": c.cell || "" },
            c.role === "suspect" ? el("span", { class: "visually-hidden", text: "可疑：" }) : null,
            text);
        })));
    }
    return el("figure", { class: "grid-box" },
      el("figcaption", {}, el("strong", { text: title }),
        el("span", { class: "muted", text: "　工作表：" + (g.sheet || "") + (unit ? "　单位：" + unit : "") })),
      el("div", { class: "grid-scroll", tabindex: "0", role: "region", "aria-label": "现场数据：" + title },
        el("table", { class: "grid" }, el("thead", {}, head), el("tbody", {}, body))));
  }

  // showSuspects scrolls each grid wider than its box (a phone) so that
  // its suspect cell is in view.
  function showSuspects(root) {
    for (const sc of root.querySelectorAll(".grid-scroll")) {
      const td = sc.querySelector("td.suspect") || sc.querySelector("td.operand");
      if (!td || sc.scrollWidth <= sc.clientWidth) continue;
      if (td.offsetLeft + td.offsetWidth > sc.clientWidth) {
        sc.scrollLeft = Math.max(0, td.offsetLeft + td.offsetWidth - sc.clientWidth + 8);
      }
    }
  }
  window.addEventListener("resize", () => showSuspects(filesList));

  function renderFills(report) {
    const fills = report.fills || [];
    if (!fills.length) return null;
    return el("details", { class: "fills" },
      el("summary", { text: "自动填列的单元格（" + fills.length + "）" }),
      el("div", { class: "table-wrap" },
        el("table", {},
          el("thead", {}, el("tr", {},
            el("th", { scope: "col", text: "位置" }), el("th", { scope: "col", text: "项目" }),
            el("th", { scope: "col", class: "num", text: "填入值" }), el("th", { scope: "col", text: "规则" }))),
          el("tbody", {}, fills.map((x) => el("tr", {},
            el("td", { text: (x.sheet ? x.sheet + "!" : "") + x.cell }),
            el("td", { text: [x.row, x.column].filter(Boolean).join(" / ") }),
            el("td", { class: "num", text: fmtNum(x.value) + (x.old ? "（原为 " + fmtNum(x.old) + "）" : "") }),
            el("td", {}, el("code", { text: x.rule }))))))));
  }

  // ---- filters --------------------------------------------------------

  // updateTableFilter lists the tables of every report on the page, by
  // their printed titles.
  function updateTableFilter() {
    const sel = $("f-table");
    const have = new Set([...sel.options].map((o) => o.value));
    for (const g of filesList.querySelectorAll(".group")) {
      const key = g.dataset.table;
      if (!key || have.has(key)) continue;
      have.add(key);
      const name = g.querySelector("h4 span").textContent;
      sel.append(el("option", { value: key, text: name }));
    }
  }

  function applyFilters() {
    const sev = new Set([...filters.querySelectorAll("input[name=sev]:checked")].map((i) => i.value));
    const table = $("f-table").value;
    const q = $("f-q").value.trim().toLowerCase();
    filters.hidden = !filesList.querySelector(".finding");
    for (const group of filesList.querySelectorAll(".group")) {
      let shown = 0;
      const tableOK = !table || group.dataset.table === table;
      for (const f of group.querySelectorAll(".finding")) {
        const ok = tableOK && sev.has(f.dataset.sev) && (!q || f.dataset.q.includes(q));
        f.hidden = !ok;
        if (ok) shown++;
      }
      for (const r of group.querySelectorAll(".rounding")) {
        const any = r.querySelector(".finding:not([hidden])");
        r.hidden = !any;
        if (any && q) r.querySelector("details").open = true;
      }
      group.hidden = shown === 0;
    }
    for (const groups of filesList.querySelectorAll(".groups")) {
      const any = groups.querySelector(".group:not([hidden])");
      groups.querySelector(".nomatch").hidden = !!any;
    }
  }

  // ---- batch ----------------------------------------------------------

  // readZip lists the workbooks (and narratives) of a zip file, inflating
  // them in the browser (DecompressionStream): each becomes a File.
  async function readZip(file) {
    const buf = new Uint8Array(await file.arrayBuffer());
    const dv = new DataView(buf.buffer);
    let eocd = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
      if (dv.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
    }
    if (eocd < 0) throw new Error("不是有效的 zip 压缩包。");
    const count = dv.getUint16(eocd + 10, true);
    let p = dv.getUint32(eocd + 16, true);
    if (count === 0xffff || p === 0xffffffff) throw new Error("压缩包过大（ZIP64），请拆分后上传。");
    const out = [];
    for (let n = 0; n < count; n++) {
      if (dv.getUint32(p, true) !== 0x02014b50) throw new Error("zip 压缩包目录已损坏。");
      const flags = dv.getUint16(p + 8, true);
      const method = dv.getUint16(p + 10, true);
      const csize = dv.getUint32(p + 20, true);
      const nlen = dv.getUint16(p + 28, true), xlen = dv.getUint16(p + 30, true), clen = dv.getUint16(p + 32, true);
      const local = dv.getUint32(p + 42, true);
      const raw = buf.subarray(p + 46, p + 46 + nlen);
      p += 46 + nlen + xlen + clen;
      let name;
      if (flags & 0x800) name = new TextDecoder("utf-8").decode(raw);
      else {
        // Zips made on Chinese Windows name entries in GBK.
        try { name = new TextDecoder("utf-8", { fatal: true }).decode(raw); } catch (e) { name = new TextDecoder("gbk").decode(raw); }
      }
      const base = name.split("/").pop();
      if (!base || name.startsWith("__MACOSX/") || base.startsWith("~$") || base.startsWith(".")) continue;
      const kind = { name: base };
      if (!isWorkbook(kind) && !isNarrative(kind)) continue;
      if (flags & 1) throw new Error("压缩包中的“" + base + "”已加密，无法读取。");
      const start = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
      const data = buf.subarray(start, start + csize);
      let bytes;
      if (method === 0) bytes = data;
      else if (method === 8) {
        const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
        bytes = new Uint8Array(await new Response(stream).arrayBuffer());
      } else throw new Error("压缩包中的“" + base + "”使用了不支持的压缩方式。");
      out.push(new File([bytes], base, { type: isWorkbook(kind) ? XLSX : "" }));
    }
    return out;
  }

  // zipStore packs files into a zip without compression (the workbooks are
  // zips already) for POST /api/v1/batch.
  function zipStore(files, bytesList) {
    const enc = new TextEncoder();
    const crcTable = zipStore.table || (zipStore.table = Array.from({ length: 256 }, (_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      return c >>> 0;
    }));
    const crc32 = (b) => {
      let c = 0xffffffff;
      for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
      return (c ^ 0xffffffff) >>> 0;
    };
    const chunks = [], central = [];
    let offset = 0;
    const used = new Set();
    files.forEach((f, i) => {
      let name = f.name;
      for (let k = 2; used.has(name); k++) name = f.name.replace(/(\.\w+)$/, "（" + k + "）$1");
      used.add(name);
      const nb = enc.encode(name), data = bytesList[i], crc = crc32(data);
      const h = new DataView(new ArrayBuffer(30));
      h.setUint32(0, 0x04034b50, true); h.setUint16(4, 20, true); h.setUint16(6, 0x800, true);
      h.setUint32(14, crc, true); h.setUint32(18, data.length, true); h.setUint32(22, data.length, true);
      h.setUint16(26, nb.length, true);
      chunks.push(new Uint8Array(h.buffer), nb, data);
      const c = new DataView(new ArrayBuffer(46));
      c.setUint32(0, 0x02014b50, true); c.setUint16(4, 20, true); c.setUint16(6, 20, true); c.setUint16(8, 0x800, true);
      c.setUint32(16, crc, true); c.setUint32(20, data.length, true); c.setUint32(24, data.length, true);
      c.setUint16(28, nb.length, true); c.setUint32(42, offset, true);
      central.push(new Uint8Array(c.buffer), nb);
      offset += 30 + nb.length + data.length;
    });
    const csize = central.reduce((n, b) => n + b.length, 0);
    const e = new DataView(new ArrayBuffer(22));
    e.setUint32(0, 0x06054b50, true); e.setUint16(8, files.length, true); e.setUint16(10, files.length, true);
    e.setUint32(12, csize, true); e.setUint32(16, offset, true);
    return new Blob([...chunks, ...central, new Uint8Array(e.buffer)], { type: "application/zip" });
  }

  // pairNarratives pairs each narrative with the workbook whose file stem
  // it equals, else contains or is contained in (the longest such stem);
  // a narrative pairs at most once. The service's batch pairs the same
  // files its own way for the result zip.
  function pairNarratives(workbooks, narratives) {
    const stem = (f) => f.name.replace(/\.[^.]+$/, "").replace(/[\s（）()【】\[\]_\-]/g, "").toLowerCase();
    const pairs = new Map();
    const used = new Set();
    for (const exact of [true, false]) {
      for (const w of workbooks) {
        if (pairs.has(w)) continue;
        const ws = stem(w);
        let best = null;
        for (const n of narratives) {
          if (used.has(n)) continue;
          const ns = stem(n);
          const ok = exact ? ns === ws : ns.length > 1 && ws.length > 1 && (ns.includes(ws) || ws.includes(ns));
          if (ok && (!best || stem(best).length < ns.length)) best = n;
        }
        if (best) { pairs.set(w, best); used.add(best); }
      }
    }
    return pairs;
  }

  // runBatch checks many workbooks one after the other (progress per file),
  // shows the unit × rule matrix, and downloads the result zip of
  // POST /api/v1/batch.
  async function runBatch(workbooks, zipFile, narratives) {
    const pairs = pairNarratives(workbooks, narratives || []);
    const nPaired = [...pairs.values()].length;
    const ui = addCard("批量审核：" + workbooks.length + " 个工作簿" + (nPaired ? "、" + nPaired + " 份决算公开说明" : "") + (zipFile ? "（" + zipFile.name + "）" : ""));
    ui.card.classList.add("batch");
    const unpaired = (narratives || []).filter((n) => ![...pairs.values()].includes(n));
    const items = workbooks.map((f) => {
      const prog = el("progress", { max: "100", value: "0", "aria-label": f.name + " 进度" });
      const st = el("span", { class: "state", text: "等待" });
      const n = pairs.get(f) || null;
      return { file: f, narrative: n, prog, st, row: el("li", { class: "bfile" },
        el("span", { class: "bname", title: f.name + (n ? " ＋ " + n.name : "") }, f.name, n ? el("span", { class: "muted bpair", text: " ＋ 说明：" + n.name }) : null),
        prog, st) };
    });
    const list = el("ol", { class: "bfiles", "aria-label": "各文件进度" }, items.map((i) => i.row));
    const matrixBox = el("div", { class: "matrix-box" });
    const detail = el("div", { class: "unit-detail", tabindex: "-1" });
    const dlState = el("span", { class: "muted dl-state", "aria-live": "polite" });
    const dl = el("button", { type: "button", class: "btn primary batch-dl", text: "下载结果压缩包", disabled: true });
    ui.body.replaceChildren(
      el("details", { class: "bprogress", open: true }, el("summary", { text: "各文件进度" }), list),
      el("div", { class: "dl" }, dl, dlState), matrixBox, detail);
    let doneN = 0;
    for (const it of items) {
      it.st.textContent = "上传中";
      it.row.scrollIntoView({ block: "nearest" });
      const out = await checkOne(it.file, it.narrative, null, (f) => {
        it.prog.value = Math.round(f * 100);
        if (f >= 1) { it.prog.removeAttribute("value"); it.st.textContent = "审核中…"; }
      });
      doneN++;
      ui.prog.value = Math.round((doneN / items.length) * 100);
      ui.state.textContent = "已审核 " + doneN + " / " + items.length;
      it.prog.value = 100;
      if (out.error) {
        it.error = out.error;
        it.st.textContent = "无法审核";
        it.st.className = "state badge bad";
      } else {
        it.report = out.report;
        it.st.textContent = STATUS[out.report.status] || out.report.status;
        it.st.className = "state badge " + (out.report.status === "fail" ? "bad" : out.report.status === "warn" ? "warn" : "ok");
      }
    }
    ui.prog.remove();
    const failed = items.filter((i) => i.report && i.report.status === "fail").length;
    ui.card.dataset.state = failed ? "fail" : "pass";
    ui.state.textContent = "已完成：" + items.length + " 个文件，" + failed + " 个未通过";
    ui.state.className = "state badge " + (failed ? "bad" : "ok");
    matrixBox.replaceChildren(renderMatrix(items, detail));
    if (unpaired.length) {
      matrixBox.append(el("p", { class: "muted", text: "未找到对应工作簿的决算公开说明（按文件名配对）：" + unpaired.map((n) => n.name).join("、") }));
    }
    dl.disabled = false;
    dl.addEventListener("click", async () => {
      dl.disabled = true;
      dlState.textContent = "正在生成结果压缩包…";
      let body = zipFile;
      if (!body) {
        const all = workbooks.concat(narratives || []);
        const bytes = await Promise.all(all.map(async (f) => new Uint8Array(await f.arrayBuffer())));
        body = zipStore(all, bytes);
      }
      const res = await new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", url("api/v1/batch", pick(options(), ["exact", "overwrite", "mark_rounding"])));
        xhr.responseType = "blob";
        xhr.setRequestHeader("Content-Type", "application/zip");
        xhr.upload.onprogress = (e) => { if (e.lengthComputable) dlState.textContent = "上传中 " + Math.round((e.loaded / e.total) * 100) + "%"; };
        xhr.upload.onload = () => { dlState.textContent = "服务器正在审核并打包…"; };
        xhr.onload = () => resolve({ status: xhr.status, xhr });
        xhr.onerror = () => resolve({ status: 0, xhr });
        xhr.send(body);
      });
      dl.disabled = false;
      if (res.status !== 200) {
        dlState.textContent = problemText(res.status, await responseText(res));
        return;
      }
      const name = filenameFrom(res.xhr.getResponseHeader("Content-Disposition"), "审核结果.zip");
      saveBlob(res.xhr.response, name);
      dlState.textContent = "已下载：" + name;
      announce("已下载 " + name);
    });
    announce("批量审核完成：" + items.length + " 个文件，" + failed + " 个未通过。");
  }

  function pick(params, keys) {
    const p = new URLSearchParams();
    for (const k of keys) if (params.has(k)) p.set(k, params.get(k));
    return p;
  }

  // renderMatrix is the unit × rule table: one row per workbook (by the
  // unit it names), one column per rule with an error or a 提示 somewhere,
  // the count of that unit's errors and 提示 of the rule; 尾差 are counted
  // in one column of their own, as the findings fold them. A count opens
  // that unit's findings.
  function renderMatrix(items, detail) {
    const rules = new Map(); // rule -> worst severity rank over the units
    for (const it of items) {
      for (const f of (it.report && it.report.findings) || []) {
        if (f.severity === "info") continue;
        const r = SEV_RANK[f.severity] ?? 1;
        rules.set(f.rule, Math.min(r, rules.has(f.rule) ? rules.get(f.rule) : 9));
      }
    }
    const cols = [...rules.keys()].sort((a, b) => rules.get(a) - rules.get(b) || a.localeCompare(b, "zh-CN", { numeric: true }));
    const unitName = (it) => (it.report && it.report.unit_name) || it.file.name.replace(/\.(xlsx|xlsm)$/i, "");
    const head = el("tr", {}, el("th", { scope: "col", text: "单位" }), el("th", { scope: "col", text: "结论" }),
      cols.map((r) => el("th", { scope: "col", class: "num sev-" + (rules.get(r) === 0 ? "error" : "warning") }, el("code", { text: r }))),
      el("th", { scope: "col", class: "num sev-info", text: "尾差" }));
    const cell = (it, name, key, label, n, sev) => {
      if (!n) return el("td", { class: "num zero", text: "" });
      return el("td", { class: "num" }, el("button", { type: "button", class: "mcell " + sev,
        "aria-label": name + " " + label + "：" + n + " 处", onclick: () => openUnit(it, key, detail) }, String(n)));
    };
    const rows = items.map((it) => {
      const counts = {}, worst = {};
      let infos = 0;
      for (const f of (it.report && it.report.findings) || []) {
        if (f.severity === "info") { infos++; continue; }
        counts[f.rule] = (counts[f.rule] || 0) + 1;
        worst[f.rule] = Math.min(SEV_RANK[f.severity] ?? 1, worst[f.rule] ?? 9);
      }
      const name = unitName(it);
      return el("tr", {},
        el("th", { scope: "row", class: "unit" }, name, name !== it.file.name ? el("span", { class: "muted fn", text: it.file.name }) : null),
        el("td", {}, it.error ? el("span", { class: "badge bad", text: "无法审核" })
          : el("span", { class: "badge " + (it.report.status === "fail" ? "bad" : it.report.status === "warn" ? "warn" : "ok"), text: STATUS[it.report.status] })),
        cols.map((r) => cell(it, name, r, r, counts[r] || 0, worst[r] === 0 ? "error" : "warning")),
        cell(it, name, INFOS, "尾差", infos, "info"));
    });
    const errorUnits = items.filter((i) => i.error);
    return el("div", {},
      el("h4", { class: "mtitle", text: "单位 × 规则（数字为错误、提示的条数，尾差另列一栏；点击查看该单位的发现）" }),
      el("div", { class: "table-wrap matrix-wrap" }, el("table", { class: "matrix" },
        el("thead", {}, head), el("tbody", {}, rows))),
      errorUnits.length ? el("ul", { class: "berrors" }, errorUnits.map((i) =>
        el("li", { class: "problem" }, el("strong", { text: i.file.name + "：" }), i.error))) : null);
  }

  const INFOS = "\u0000尾差"; // the matrix column of a unit's 尾差

  // openUnit shows one unit's findings under the matrix: those of rule, or
  // all of them when rule is null.
  function openUnit(it, rule, detail) {
    const ui = { id: "u" + (++seq), file: it.file, expl: {} };
    const all = it.report.findings || [];
    const shown = rule === INFOS ? all.filter((f) => f.severity === "info")
      : rule ? all.filter((f) => f.rule === rule && f.severity !== "info") : all;
    const name = it.report.unit_name || it.file.name;
    const what = rule === INFOS ? "尾差" : rule;
    detail.replaceChildren(
      el("h4", { class: "utitle" },
        el("span", { text: name + "：" + (rule ? what + "（" + shown.length + " 处）" : "全部发现（" + shown.length + " 条）") }),
        rule ? el("button", { type: "button", class: "linkbtn", text: "查看该单位全部发现", onclick: () => openUnit(it, null, detail) }) : null),
      renderFindings(ui, Object.assign({}, it.report, { findings: shown })));
    updateTableFilter();
    applyFilters();
    detail.focus();
  }

  // ---- wiring ---------------------------------------------------------

  async function handleFiles(list) {
    const files = [...list];
    const zips = files.filter(isZip);
    const books = files.filter((f) => !isZip(f) && isWorkbook(f));
    const narratives = files.filter((f) => !isZip(f) && !isWorkbook(f) && isNarrative(f));
    for (const f of files) {
      if (zips.includes(f) || books.includes(f) || narratives.includes(f)) continue;
      const ui = addCard(f.name, f.size);
      fail(ui, /\.xls$/i.test(f.name)
        ? "这是旧版 .xls 文件，请在 Excel 或 WPS 中“另存为” .xlsx 后再上传。"
        : /\.(doc|wps)$/i.test(f.name)
          ? "这是旧版 Word 文件，请“另存为” .docx 后再上传（决算公开说明可为 .docx、.txt 或 PDF）。"
          : "不是 Excel 工作簿（.xlsx）或决算公开说明（.docx/.txt/.pdf），无法审核。", f.name);
    }
    let batch = books.slice();
    const texts = narratives.slice();
    for (const z of zips) {
      try {
        const inner = await readZip(z);
        const wbs = inner.filter(isWorkbook);
        if (!wbs.length) throw new Error("压缩包中没有 .xlsx 工作簿。");
        if (zips.length === 1 && !books.length && !narratives.length) {
          await runBatch(wbs, z, inner.filter((f) => !isWorkbook(f)));
          batch = null;
        } else {
          batch.push(...wbs);
          texts.push(...inner.filter((f) => !isWorkbook(f)));
        }
      } catch (e) {
        fail(addCard(z.name, z.size), e.message, z.name);
      }
    }
    if (batch === null) return;
    if (batch.length > 1) {
      await runBatch(batch, null, texts);
      return;
    }
    if (batch.length === 1) {
      // One workbook and its narrative go together.
      await process(batch[0], narratives[0] || null);
      for (const n of narratives.slice(1)) fail(addCard(n.name, n.size), "一次只能核对一份决算公开说明。", n.name);
      return;
    }
    for (const n of narratives) fail(addCard(n.name, n.size), "请把决算公开说明和对应的决算表（.xlsx）一起拖入或选择。", n.name);
  }

  let queue = Promise.resolve();
  // One upload at a time keeps the server's concurrency limit for others.
  function enqueue(list) { queue = queue.then(() => handleFiles(list)).catch((e) => announce(String(e))); }

  async function sample() {
    const btn = $("sample");
    btn.disabled = true;
    try {
      const res = await fetch("api/v1/sample.xlsx");
      if (!res.ok) throw new Error(problemText(res.status, await res.text()));
      const name = filenameFrom(res.headers.get("Content-Disposition"), "示例决算表.xlsx");
      const book = new File([await res.blob()], name, { type: XLSX });
      // The sample narrative, where the service has one.
      let narrative = null;
      const d = await fetch("api/v1/sample.docx").catch(() => null);
      if (d && d.ok) {
        narrative = new File([await d.blob()], filenameFrom(d.headers.get("Content-Disposition"), "示例决算公开说明.docx"), { type: DOCX });
      }
      await process(book, narrative);
    } catch (e) {
      fail(addCard("示例决算表.xlsx"), "示例加载失败：" + e.message, "示例");
    } finally {
      btn.disabled = false;
    }
  }

  function init() {
    const drop = $("drop");
    const input = $("file");
    input.addEventListener("change", () => { enqueue([...input.files]); input.value = ""; });
    ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => {
      e.preventDefault();
      drop.dataset.state = "over";
    }));
    ["dragleave", "dragend"].forEach((t) => drop.addEventListener(t, () => { drop.dataset.state = "idle"; }));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.dataset.state = "idle";
      if (e.dataTransfer && e.dataTransfer.files.length) enqueue([...e.dataTransfer.files]);
    });
    // Dropping outside the zone must not navigate away from the page.
    window.addEventListener("dragover", (e) => e.preventDefault());
    window.addEventListener("drop", (e) => e.preventDefault());

    $("sample").addEventListener("click", () => { queue = queue.then(sample); });
    $("clear").addEventListener("click", () => {
      filesList.replaceChildren();
      $("empty").hidden = false;
      $("clear").disabled = true;
      filters.hidden = true;
      announce("已清空结果");
    });

    const prior = $("prior");
    prior.addEventListener("change", () => {
      const f = prior.files[0];
      $("prior-name").textContent = f ? f.name : "未选择";
      $("prior-clear").hidden = !f;
    });
    $("prior-clear").addEventListener("click", () => {
      prior.value = "";
      prior.dispatchEvent(new Event("change"));
      prior.focus();
    });

    filters.addEventListener("change", applyFilters);
    $("f-q").addEventListener("input", applyFilters);
    filters.addEventListener("submit", (e) => e.preventDefault());

    const box = $("rules-box");
    box.addEventListener("toggle", () => { if (box.open) loadRules(); });
    $("rules-q").addEventListener("input", (e) => {
      const q = e.target.value.trim().toLowerCase();
      for (const tr of document.querySelectorAll("#rules-table tbody tr")) tr.hidden = q !== "" && !tr.dataset.q.includes(q);
    });

    const m = document.querySelector("meta[name=juesuan-max-upload]");
    if (m && Number(m.content) > 0) maxUpload = Number(m.content);
    $("max-size").textContent = fmtSize(maxUpload).replace(".0 ", " ");
  }

  // ---- rules ----------------------------------------------------------

  let rulesLoaded = false;
  async function loadRules() {
    if (rulesLoaded) return;
    rulesLoaded = true;
    const tbody = document.querySelector("#rules-table tbody");
    try {
      const res = await fetch("api/v1/rules", { headers: { Accept: "application/json" } });
      const text = await res.text();
      if (!res.ok) throw new Error(problemText(res.status, text));
      const data = JSON.parse(text);
      const rules = data.rules || [];
      $("rules-count").textContent = "共 " + rules.length + " 条";
      tbody.replaceChildren(...rules.map((r) => el("tr", { "data-q": [r.id, r.message, r.expr, r.when].join(" ").toLowerCase() },
        el("td", {}, el("code", { text: r.id })),
        el("td", {}, el("span", { class: "badge sev " + r.severity, text: SEV[r.severity] || r.severity })),
        el("td", { text: r.message }),
        el("td", {}, el("code", { class: "expr", text: r.expr || "" })),
        el("td", { text: r.when || "始终适用" }))));
    } catch (e) {
      rulesLoaded = false;
      $("rules-error").hidden = false;
      $("rules-error").textContent = "规则列表加载失败：" + e.message;
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
