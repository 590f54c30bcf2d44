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
    var outPath = outDir + sep + base + "-审核.xlsx";
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
