// 决算审核助手 web page. Plain browser JavaScript, no build step and no
// external resources (machines may be offline). Every string that comes from
// a workbook (sheet names, labels, values) is inserted as text nodes or
// textContent, never parsed as markup.
"use strict";

(function () {
  const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
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

  // fmtNum groups the integer digits of a plain decimal ("1427.68" ->
  // "1,427.68"), as the findings' messages print amounts; other text stays.
  function fmtNum(v) {
    const m = /^(-?)(\d+)(\.\d+)?$/.exec(String(v || "").trim());
    if (!m) return v || "—";
    // #,##0.00: amounts always show two decimals (more when typed so).
    let frac = m[3] || ".";
    while (frac.length < 3) frac += "0";
    return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + frac;
  }

  function query() {
    const p = new URLSearchParams();
    if ($("opt-exact").checked) p.set("exact", "true");
    if ($("opt-overwrite").checked) p.set("overwrite", "true");
    const s = p.toString();
    return s ? "?" + s : "";
  }

  // problemText turns an RFC 9457 problem (or anything else) into a message.
  function problemText(status, body) {
    try {
      const p = JSON.parse(body);
      if (p && p.detail) return p.detail + (p.code ? "（" + p.code + "）" : "");
      if (p && p.title) return p.title;
    } catch (e) { /* not JSON */ }
    if (status === 0) return "无法连接服务器，请检查网络后重试。";
    return "服务器返回错误 " + status + "。";
  }

  // send posts the workbook (and optional prior-year workbook) as multipart
  // form data with upload progress; resolves with {status, headers, body}.
  function send(url, file, prior, responseType, onProgress) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.responseType = responseType;
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
      xhr.upload.onload = () => onProgress(1);
      xhr.onload = () => resolve({ status: xhr.status, xhr });
      xhr.onerror = () => resolve({ status: 0, xhr });
      xhr.ontimeout = () => resolve({ status: 0, xhr });
      const fd = new FormData();
      fd.append("file", file, file.name);
      if (prior) fd.append("prior", prior, prior.name);
      xhr.send(fd);
    });
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

  // ---- one file card -------------------------------------------------

  function addFile(file) {
    const id = "f" + (++seq);
    const prog = el("progress", { max: "100", value: "0", "aria-labelledby": id + "-state" });
    const state = el("span", { id: id + "-state", class: "state", text: "等待上传" });
    const body = el("div", { class: "card-body" });
    const title = el("h3", { id: id + "-h", class: "fname", text: file.name });
    const card = el("li", { class: "card", id, "aria-labelledby": id + "-h", "data-state": "busy" },
      el("div", { class: "card-head" },
        title,
        el("span", { class: "size muted", text: fmtSize(file.size) }),
        el("div", { class: "prog" }, prog, state)),
      body);
    filesList.prepend(card);
    $("empty").hidden = true;
    $("clear").disabled = false;
    return { card, prog, state, body, file, id };
  }

  async function process(file) {
    const ui = addFile(file);
    if (file.size > maxUpload) {
      fail(ui, "文件超过 " + fmtSize(maxUpload) + " 的上传上限。");
      return;
    }
    ui.state.textContent = "上传中";
    announce("正在上传 " + file.name);
    const prior = $("prior").files[0] || null;
    const res = await send("api/v1/check" + query(), file, prior, "text", (f) => {
      ui.prog.value = Math.round(f * 100);
      ui.state.textContent = f < 1 ? "上传中 " + Math.round(f * 100) + "%" : "审核中…";
      if (f >= 1) ui.prog.removeAttribute("value"); // indeterminate while checking
    });
    if (res.status !== 200) {
      fail(ui, problemText(res.status, res.xhr.responseText));
      return;
    }
    let report;
    try { report = JSON.parse(res.xhr.responseText); } catch (e) {
      fail(ui, "服务器返回的结果无法解析。");
      return;
    }
    ui.prior = prior;
    ui.query = query();
    done(ui, report);
  }

  function fail(ui, message) {
    ui.card.dataset.state = "error";
    ui.prog.remove();
    ui.state.textContent = "无法审核";
    ui.state.className = "state badge bad";
    ui.body.replaceChildren(el("p", { class: "problem", role: "alert", text: message }));
    announce(ui.file.name + " 无法审核：" + message);
  }

  function done(ui, report) {
    const s = report.summary || {};
    ui.card.dataset.state = report.status;
    ui.report = report;
    ui.prog.remove();
    ui.state.textContent = STATUS[report.status] || report.status;
    ui.state.className = "state badge " + (report.status === "fail" ? "bad" : report.status === "warn" ? "warn" : "ok");

    const dl = el("button", { type: "button", class: "btn primary", text: "下载标注后的工作簿" });
    const dlState = el("span", { class: "muted dl-state", "aria-live": "polite" });
    dl.addEventListener("click", () => download(ui, dl, dlState));

    const counts = el("ul", { class: "counts", "aria-label": "汇总" },
      el("li", { class: "c error" }, el("strong", { text: String(s.errors || 0) }), " 个错误"),
      el("li", { class: "c warning" }, el("strong", { text: String(s.warnings || 0) }), " 个提示"),
      el("li", { class: "c info" }, el("strong", { text: String(s.infos || 0) }), " 处尾差"),
      el("li", { class: "c fill" }, el("strong", { text: String(s.filled || 0) }), " 个单元格已自动填列"));

    const tables = (report.tables || []).map((t) => t.title || TABLES[t.id] || "").filter(Boolean).join("、");
    const meta = el("p", { class: "muted meta", text: "识别到 " + (report.tables || []).length + " 张表" + (tables ? "：" + tables : "") });

    // replaceChildren would print a null part (no fills) as "null".
    ui.body.replaceChildren(...[
      el("div", { class: "summary" }, counts, el("div", { class: "dl" }, dl, dlState)),
      meta,
      renderFindings(report),
      renderFills(report)].filter(Boolean));
    applyFilters();
    announce(ui.file.name + " 审核完成：" + (s.errors || 0) + " 个错误，" + (s.warnings || 0) + " 个提示，" + (s.infos || 0) + " 处尾差。");
  }

  async function download(ui, btn, stateEl) {
    btn.disabled = true;
    stateEl.textContent = "正在生成…";
    const res = await send("api/v1/fill" + (ui.query || ""), ui.file, ui.prior, "blob", () => {});
    btn.disabled = false;
    if (res.status !== 200) {
      const text = res.xhr.response ? await res.xhr.response.text() : "";
      stateEl.textContent = problemText(res.status, text);
      return;
    }
    const name = filenameFrom(res.xhr.getResponseHeader("Content-Disposition"), ui.file.name.replace(/\.xlsx$/i, "") + "-审核.xlsx");
    const url = URL.createObjectURL(res.xhr.response);
    const a = el("a", { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 60000);
    stateEl.textContent = "已下载：" + name;
    announce("已下载 " + name);
  }

  // ---- findings -------------------------------------------------------

  function tableName(report, id) {
    const t = (report.tables || []).find((x) => x.id === id);
    // As printed (its title), else the standard name; never the internal id.
    return ((t && t.title) || TABLES[id] || "");
  }

  function renderFindings(report) {
    const findings = report.findings || [];
    if (findings.length === 0) {
      return el("p", { class: "allgood", text: "未发现问题：全部勾稽关系均成立。" });
    }
    const groups = new Map();
    for (const f of findings) {
      const key = f.table || "";
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(f);
    }
    const worst = (list) => Math.min(...list.map((f) => SEV_RANK[f.severity] ?? 3));
    const keys = [...groups.keys()].sort((a, b) => worst(groups.get(a)) - worst(groups.get(b)) || (a || "~").localeCompare(b || "~"));
    const wrap = el("div", { class: "groups" });
    for (const key of keys) {
      const list = groups.get(key).slice().sort((a, b) => (SEV_RANK[a.severity] ?? 3) - (SEV_RANK[b.severity] ?? 3));
      const n = { error: 0, warning: 0, info: 0 };
      list.forEach((f) => { n[f.severity] = (n[f.severity] || 0) + 1; });
      const name = key ? tableName(report, key) : "工作簿结构";
      const sheet = key ? ((report.tables || []).find((t) => t.id === key) || {}).sheet : "";
      // Groups with errors or warnings start open; 尾差-only groups closed.
      const group = el("details", { class: "group", "data-table": key, open: worst(list) <= 1 },
        el("summary", {}, el("h4", {},
          el("span", { text: name }),
          sheet ? el("span", { class: "muted sheet", text: "工作表：" + sheet }) : null,
          el("span", { class: "gcount" },
            n.error ? el("span", { class: "badge bad", text: n.error + " 错误" }) : null,
            n.warning ? el("span", { class: "badge warn", text: n.warning + " 提示" }) : null,
            n.info ? el("span", { class: "badge infob", text: n.info + " 尾差" }) : null))),
        el("ul", { class: "findings" }, list.map(renderFinding)));
      wrap.append(group);
    }
    wrap.append(el("p", { class: "nomatch muted", hidden: true, text: "没有符合筛选条件的发现。" }));
    return wrap;
  }

  function renderFinding(f) {
    const where = (f.sheet ? f.sheet + "!" : "") + (f.cell || "");
    const li = el("li", { class: "finding " + f.severity, "data-sev": f.severity },
      el("div", { class: "f-head" },
        el("span", { class: "badge sev " + f.severity, text: SEV[f.severity] || f.severity }),
        el("code", { class: "rule", text: f.rule }),
        where ? el("span", { class: "where", text: where }) : null,
        f.explained ? el("span", { class: "badge ok", text: "已说明" }) : null),
      el("p", { class: "msg", text: f.message }));
    // An equation's figures; a hint (提示 of a usual rule) reads as words.
    if (f.severity !== "warning" && (f.expected || f.actual || f.difference)) {
      li.append(el("dl", { class: "nums" },
        el("div", {}, el("dt", { text: "应为" }), el("dd", { text: fmtNum(f.expected) })),
        el("div", {}, el("dt", { text: "实为" }), el("dd", { text: fmtNum(f.actual) })),
        el("div", { class: "diff" }, el("dt", { text: "差额" }), el("dd", { text: fmtNum(f.difference) })),
        el("div", {}, el("dt", { text: "容差" }), el("dd", { text: f.tolerance ? fmtNum(f.tolerance) : "—" }))));
    }
    if (f.explanation) {
      li.append(el("p", { class: "explain" }, el("strong", { text: "审核说明：" }), f.explanation));
    }
    const cells = f.cells || [];
    if (cells.length) {
      li.append(el("details", { class: "cells" },
        el("summary", { text: "涉及单元格（" + cells.length + "）" }),
        el("table", {},
          el("thead", {}, el("tr", {},
            el("th", { scope: "col", text: "位置" }), el("th", { scope: "col", text: "项目" }), el("th", { scope: "col", class: "num", text: "数值" }))),
          el("tbody", {}, cells.map((c) => el("tr", {},
            el("td", { text: (c.sheet ? c.sheet + "!" : "") + c.cell }),
            el("td", { text: c.label || [c.row, c.column].filter(Boolean).join(" / ") }),
            el("td", { class: "num", text: c.value ? fmtNum(c.value) : "（空）" })))))));
    }
    return li;
  }

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

  function applyFilters() {
    const sev = new Set([...filters.querySelectorAll("input[name=sev]:checked")].map((i) => i.value));
    const table = $("f-table").value;
    filters.hidden = !filesList.querySelector(".finding");
    for (const group of filesList.querySelectorAll(".group")) {
      let shown = 0;
      const tableOK = !table || group.dataset.table === table;
      for (const f of group.querySelectorAll(".finding")) {
        const ok = tableOK && sev.has(f.dataset.sev);
        f.hidden = !ok;
        if (ok) shown++;
      }
      group.hidden = shown === 0;
    }
    for (const groups of filesList.querySelectorAll(".groups")) {
      const any = groups.querySelector(".group:not([hidden])");
      groups.querySelector(".nomatch").hidden = !!any;
    }
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

  // ---- wiring ---------------------------------------------------------

  function handleFiles(list) {
    const files = [...list];
    const xlsx = files.filter((f) => /\.(xlsx|xlsm)$/i.test(f.name) || f.type === XLSX);
    for (const f of files) {
      if (!xlsx.includes(f)) {
        const ui = addFile(f);
        fail(ui, /\.xls$/i.test(f.name)
          ? "这是旧版 .xls 文件，请在 Excel 或 WPS 中“另存为” .xlsx 后再上传。"
          : "不是 Excel 工作簿（.xlsx），无法审核。");
      }
    }
    // One at a time keeps the server's concurrency limit for other users.
    xlsx.reduce((p, f) => p.then(() => process(f)), Promise.resolve());
  }

  function init() {
    const drop = $("drop");
    const input = $("file");
    input.addEventListener("change", () => { handleFiles(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => {
      e.preventDefault();
      drop.dataset.state = "over";
    }));
    ["dragleave", "dragend"].forEach((t) => drop.addEventListener(t, () => { drop.dataset.state = "idle"; }));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.dataset.state = "idle";
      if (e.dataTransfer && e.dataTransfer.files.length) handleFiles(e.dataTransfer.files);
    });
    // Dropping outside the zone must not navigate away from the page.
    window.addEventListener("dragover", (e) => e.preventDefault());
    window.addEventListener("drop", (e) => e.preventDefault());

    $("sample").addEventListener("click", async () => {
      const btn = $("sample");
      btn.disabled = true;
      try {
        const res = await fetch("api/v1/sample.xlsx");
        if (!res.ok) throw new Error(problemText(res.status, await res.text()));
        const blob = await res.blob();
        const name = filenameFrom(res.headers.get("Content-Disposition"), "示例决算表.xlsx");
        await process(new File([blob], name, { type: XLSX }));
      } catch (e) {
        announce("示例加载失败：" + e.message);
        const ui = addFile(new File([], "示例决算表.xlsx"));
        fail(ui, "示例加载失败：" + e.message);
      } finally {
        btn.disabled = false;
      }
    });
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

    const sel = $("f-table");
    for (const [id, name] of Object.entries(TABLES)) sel.append(el("option", { value: id, text: name }));
    filters.addEventListener("change", applyFilters);
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

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
