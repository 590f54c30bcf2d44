/*
 * 决算审核助手 WPS 宏（WPS 表格 JS 环境 / JS 加载项）
 *
 * 把当前工作簿的一份副本发送到决算审核助手服务（POST /api/v1/fill），
 * 保存返回的标注工作簿并打开，再弹窗显示审核摘要。原工作簿不会被修改。
 * 安装方法见同目录 README.md。
 *
 * 发送的请求（服务端测试 api/macro_test.go 按此逐字重放，修改时请同步）：
 *   POST {JUESUAN_URL}/api/v1/fill?name=<encodeURIComponent(文件名)>
 *   Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
 *   Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/problem+json
 *   X-Juesuan-Client: wps-js/1
 *   请求体：工作簿 .xlsx 文件的原始字节（ArrayBuffer）
 * 读取的响应头：X-Juesuan-Status、X-Juesuan-Errors、X-Juesuan-Warnings、X-Juesuan-Filled
 * 从网页加载项调用时，服务端需用 --cors 允许加载项的来源，并暴露上述响应头。
 *
 * 决算审核含说明() 同时审核工作簿和它的决算公开说明（.docx、.txt 或 .pdf），两个文件放在一个请求里
 * （服务端测试在 node 中运行本文件的 multipartBody 并重放其结果）：
 *   POST {JUESUAN_URL}/api/v1/check
 *   Content-Type: multipart/form-data; boundary=----juesuan-<时间>
 *   Accept: application/json, application/problem+json
 *   X-Juesuan-Client: wps-js/1
 *   请求体：部分 file（工作簿 .xlsx）和部分 narrative（说明文件），文件名为各自的原名
 * 响应是两份文件合起来的 JSON 报告；弹窗显示审核结论和说明中的错误、提示（规则 N01…N26）。
 */

// 服务地址：按实际部署修改。
var JUESUAN_URL = "http://localhost:8080";
var XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
var XL_OPENXML_WORKBOOK = 51;

function 决算审核() {
  var app = typeof Application !== "undefined" ? Application : wps.EtApplication();
  var wb = app.ActiveWorkbook;
  if (!wb) {
    alert("请先打开要审核的决算工作簿。");
    return;
  }
  var base = wb.Name.replace(/\.[^.]*$/, "");
  var sep = wb.Path && wb.Path.indexOf("/") >= 0 ? "/" : "\\";
  var tmpDir = tempFolder();
  var copyPath = tmpDir + sep + "juesuan-" + Date.now() + ".xlsx";

  try {
    saveXlsxCopy(app, wb, copyPath);
    var body = readFile(copyPath);
    removeFile(copyPath);

    var xhr = new XMLHttpRequest();
    // Synchronous: a macro runs to completion; the UI shows WPS's busy cursor.
    xhr.open("POST", JUESUAN_URL + "/api/v1/fill?name=" + encodeURIComponent(base + ".xlsx"), false);
    xhr.setRequestHeader("Content-Type", XLSX_TYPE);
    xhr.setRequestHeader("Accept", XLSX_TYPE + ", application/problem+json");
    xhr.setRequestHeader("X-Juesuan-Client", "wps-js/1");
    xhr.overrideMimeType("text/plain; charset=x-user-defined"); // bytes survive as char codes
    xhr.send(body);

    if (xhr.status !== 200) {
      alert("审核失败（HTTP " + xhr.status + "）：\n" + problemDetail(xhr.responseText));
      return;
    }
    var outDir = wb.Path && wb.Path.indexOf("://") < 0 ? wb.Path : tmpDir;
    var outPath = outDir + sep + base + ".审核.xlsx";
    writeFile(outPath, xhr.responseText);
    app.Workbooks.Open(outPath);

    var status = xhr.getResponseHeader("X-Juesuan-Status");
    alert("审核结论：" + statusText(status) +
      "\n错误：" + xhr.getResponseHeader("X-Juesuan-Errors") + " 个" +
      "\n提示：" + xhr.getResponseHeader("X-Juesuan-Warnings") + " 个" +
      "\n自动填列：" + xhr.getResponseHeader("X-Juesuan-Filled") + " 个单元格" +
      "\n\n标注后的工作簿已保存为：\n" + outPath);
  } catch (e) {
    alert("无法完成审核：" + (e && e.message ? e.message : e) + "\n请确认服务地址 " + JUESUAN_URL + " 可以访问。");
  }
}

function 决算审核含说明() {
  var app = typeof Application !== "undefined" ? Application : wps.EtApplication();
  var wb = app.ActiveWorkbook;
  if (!wb) {
    alert("请先打开要审核的决算工作簿。");
    return;
  }
  var narrPath = app.GetOpenFilename("决算公开说明 (*.docx;*.txt;*.pdf),*.docx;*.txt;*.pdf", 1, "选择与本工作簿对应的决算公开说明");
  if (!narrPath) return; // 取消
  var base = wb.Name.replace(/\.[^.]*$/, "");
  var sep = wb.Path && wb.Path.indexOf("/") >= 0 ? "/" : "\\";
  var copyPath = tempFolder() + sep + "juesuan-" + Date.now() + ".xlsx";

  try {
    saveXlsxCopy(app, wb, copyPath);
    var book = readFile(copyPath);
    removeFile(copyPath);
    var narr = readFile(String(narrPath));

    var boundary = "----juesuan-" + Date.now();
    var body = multipartBody(boundary, [
      { name: "file", filename: base + ".xlsx", type: XLSX_TYPE, data: book },
      { name: "narrative", filename: String(narrPath).replace(/^.*[\\/]/, ""), type: "application/octet-stream", data: narr }
    ]);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", JUESUAN_URL + "/api/v1/check", false);
    xhr.setRequestHeader("Content-Type", "multipart/form-data; boundary=" + boundary);
    xhr.setRequestHeader("Accept", "application/json, application/problem+json");
    xhr.setRequestHeader("X-Juesuan-Client", "wps-js/1");
    xhr.send(body);

    if (xhr.status !== 200) {
      alert("审核失败（HTTP " + xhr.status + "）：\n" + jsonDetail(xhr.responseText));
      return;
    }
    alert("审核结论（工作簿和说明）：" + statusText(xhr.getResponseHeader("X-Juesuan-Status")) +
      "\n错误：" + xhr.getResponseHeader("X-Juesuan-Errors") + " 个" +
      "\n提示：" + xhr.getResponseHeader("X-Juesuan-Warnings") + " 个" +
      "\n\n" + narrativeMessages(xhr.responseText, 10));
  } catch (e) {
    alert("无法完成审核：" + (e && e.message ? e.message : e) + "\n请确认服务地址 " + JUESUAN_URL + " 可以访问。");
  }
}

// multipartBody is the multipart/form-data body of parts ({name, filename,
// type, data: ArrayBuffer or Uint8Array}): part headers in UTF-8 (Chinese
// file names), each file's bytes as they are.
function multipartBody(boundary, parts) {
  var chunks = [];
  for (var i = 0; i < parts.length; i++) {
    var p = parts[i];
    chunks.push(utf8Bytes((i ? "\r\n" : "") + "--" + boundary + "\r\n" +
      "Content-Disposition: form-data; name=\"" + p.name + "\"; filename=\"" + p.filename + "\"\r\n" +
      "Content-Type: " + p.type + "\r\n\r\n"));
    chunks.push(new Uint8Array(p.data));
  }
  chunks.push(utf8Bytes("\r\n--" + boundary + "--\r\n"));
  var n = 0;
  for (var j = 0; j < chunks.length; j++) n += chunks[j].length;
  var out = new Uint8Array(n), at = 0;
  for (var k = 0; k < chunks.length; k++) {
    out.set(chunks[k], at);
    at += chunks[k].length;
  }
  return out;
}

// utf8Bytes encodes a string as UTF-8 (no TextEncoder in every WPS).
function utf8Bytes(s) {
  var bin = unescape(encodeURIComponent(s)), out = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// narrativeMessages lists the narrative's errors and warnings (rules N..)
// of a JSON report, at most max of them.
function narrativeMessages(text, max) {
  var rep = JSON.parse(text), lines = [];
  var fs = (rep.findings || []).filter(function (f) { return /^N/.test(f.rule) && f.severity !== "info"; });
  for (var i = 0; i < fs.length && i < max; i++) {
    lines.push((fs[i].severity === "error" ? "【错误】" : "【提示】") + fs[i].message);
  }
  if (!fs.length) return "说明中没有发现错误或提示。";
  var head = fs.length > max ? "说明中的问题（共 " + fs.length + " 条，列出前 " + max + " 条）：" : "说明中的问题：";
  return head + "\n" + lines.join("\n");
}

// jsonDetail is the detail of a problem+json answer read as text.
function jsonDetail(text) {
  try {
    var p = JSON.parse(text);
    return p.detail || p.title || text;
  } catch (e) {
    return String(text).slice(0, 300);
  }
}

// saveXlsxCopy writes the workbook as .xlsx without touching the open file.
function saveXlsxCopy(app, wb, path) {
  if (wb.Path && wb.FileFormat === XL_OPENXML_WORKBOOK) {
    wb.SaveCopyAs(path);
    return;
  }
  wb.Worksheets.Copy();
  var tmp = app.ActiveWorkbook;
  app.DisplayAlerts = false;
  tmp.SaveAs(path, XL_OPENXML_WORKBOOK);
  tmp.Close(false);
  app.DisplayAlerts = true;
  wb.Activate();
}

function tempFolder() {
  if (typeof wps !== "undefined" && wps.Env && wps.Env.GetTempPath) return wps.Env.GetTempPath();
  return Application.DefaultFilePath;
}

// File access differs between WPS versions: JS add-ins have wps.FileSystem.
function readFile(path) {
  if (typeof wps !== "undefined" && wps.FileSystem && wps.FileSystem.ReadFileAsArrayBuffer) {
    return wps.FileSystem.ReadFileAsArrayBuffer(path);
  }
  throw new Error("当前 WPS 版本不支持读取文件（需要 wps.FileSystem），请升级 WPS 或改用 VBA 宏。");
}

function writeFile(path, binaryString) {
  if (typeof wps !== "undefined" && wps.FileSystem && wps.FileSystem.writeAsBinaryString) {
    // Each char code's low byte is one byte of the response.
    var bytes = "";
    for (var i = 0; i < binaryString.length; i++) bytes += String.fromCharCode(binaryString.charCodeAt(i) & 0xff);
    if (wps.FileSystem.Exists && wps.FileSystem.Exists(path)) wps.FileSystem.Remove(path);
    wps.FileSystem.writeAsBinaryString(path, bytes);
    return;
  }
  throw new Error("当前 WPS 版本不支持写入文件（需要 wps.FileSystem）。");
}

function removeFile(path) {
  if (typeof wps !== "undefined" && wps.FileSystem && wps.FileSystem.Remove) wps.FileSystem.Remove(path);
}

function statusText(s) {
  return { pass: "通过", warn: "通过，但有提示需要说明", fail: "未通过，请修改标红的单元格" }[s] || s;
}

// problemDetail reads the Chinese detail of a problem+json answer. The
// request asked for x-user-defined (so the workbook's bytes survive), which
// maps each byte to one char code: the UTF-8 bytes are decoded here first.
function problemDetail(body) {
  var text = utf8FromBytes(body);
  try {
    var p = JSON.parse(text);
    return p.detail || p.title || text;
  } catch (e) {
    return String(text).slice(0, 300);
  }
}

// utf8FromBytes decodes a string whose char codes are bytes (the low byte
// of each, as x-user-defined gives them) as UTF-8.
function utf8FromBytes(s) {
  var out = "", i = 0, n = s.length;
  function b(k) { return s.charCodeAt(k) & 0xff; }
  while (i < n) {
    var c = b(i++);
    if (c < 0x80) {
      out += String.fromCharCode(c);
    } else if (c >= 0xc0 && c < 0xe0 && i < n) {
      out += String.fromCharCode(((c & 0x1f) << 6) | (b(i++) & 0x3f));
    } else if (c >= 0xe0 && c < 0xf0 && i + 1 < n) {
      out += String.fromCharCode(((c & 0x0f) << 12) | ((b(i++) & 0x3f) << 6) | (b(i++) & 0x3f));
    } else if (c >= 0xf0 && i + 2 < n) {
      var cp = ((c & 0x07) << 18) | ((b(i++) & 0x3f) << 12) | ((b(i++) & 0x3f) << 6) | (b(i++) & 0x3f);
      cp -= 0x10000;
      out += String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      out += "\ufffd";
    }
  }
  return out;
}
