Attribute VB_Name = "Juesuan"
' 决算审核助手 Excel 宏（VBA）
'
' 把当前工作簿的一份副本发送到决算审核助手服务（POST /api/v1/fill），
' 保存服务返回的标注工作簿并打开，再用消息框显示审核摘要。
' 原工作簿不会被修改。安装方法见同目录 README.md。
'
' 发送的请求（服务端测试 api/macro_test.go 按此逐字重放，修改时请同步）：
'   POST {JUESUAN_URL}/api/v1/fill?name=<UTF-8 百分号编码的文件名>
'   Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
'   Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/problem+json
'   X-Juesuan-Client: excel-vba/1
'   请求体：工作簿 .xlsx 文件的原始字节
' 读取的响应头：X-Juesuan-Status、X-Juesuan-Errors、X-Juesuan-Warnings、X-Juesuan-Filled
' 出错时响应为 application/problem+json，显示其中的 detail 字段。
'
' JuesuanAuditWithNarrative 同时审核工作簿和它的决算公开说明（.docx、.txt 或 .pdf），
' 两个文件放在一个请求里（服务端测试同样逐字重放）：
'   POST {JUESUAN_URL}/api/v1/check
'   Content-Type: multipart/form-data; boundary=----juesuan-<时间>
'   Accept: application/json, application/problem+json
'   X-Juesuan-Client: excel-vba/1
'   请求体：部分 file（工作簿 .xlsx，文件名为原文件名）和部分 narrative（说明文件，文件名为其原名）
' 响应是两份文件合起来的 JSON 报告；消息框显示审核结论和说明中的错误、提示（规则 N01…N26）。
Option Explicit

' 服务地址：按实际部署修改。
Private Const JUESUAN_URL As String = "http://localhost:8080"
Private Const XLSX_TYPE As String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Private Const XL_OPENXML_WORKBOOK As Long = 51
Private Const XL_OPENXML_MACRO As Long = 52

Public Sub JuesuanAudit()
    Dim wb As Workbook
    Dim copyPath As String, outPath As String, baseName As String
    Dim body() As Byte
    Dim http As Object

    On Error GoTo Failed
    Set wb = ActiveWorkbook
    If wb Is Nothing Then
        MsgBox "请先打开要审核的决算工作簿。", vbExclamation, "决算审核助手"
        Exit Sub
    End If

    baseName = wb.Name
    If InStrRev(baseName, ".") > 0 Then baseName = Left$(baseName, InStrRev(baseName, ".") - 1)
    copyPath = TempFolder() & "\juesuan-" & Format$(Now, "yyyymmddhhnnss") & ".xlsx"
    SaveXlsxCopy wb, copyPath
    body = ReadBytes(copyPath)
    Kill copyPath

    Set http = NewHttp()
    http.Open "POST", JUESUAN_URL & "/api/v1/fill?name=" & EncodeName(baseName & ".xlsx"), False
    http.setRequestHeader "Content-Type", XLSX_TYPE
    http.setRequestHeader "Accept", XLSX_TYPE & ", application/problem+json"
    http.setRequestHeader "X-Juesuan-Client", "excel-vba/1"
    Application.StatusBar = "决算审核助手：正在审核 " & wb.Name & " ……"
    http.send body
    Application.StatusBar = False

    If http.Status <> 200 Then
        MsgBox "审核失败（HTTP " & http.Status & "）：" & vbCrLf & ProblemDetail(http.responseText), _
            vbCritical, "决算审核助手"
        Exit Sub
    End If

    outPath = OutputFolder(wb) & "\" & baseName & ".审核.xlsx"
    WriteBytes outPath, http.responseBody
    Workbooks.Open outPath

    MsgBox "审核结论：" & StatusText(http.getResponseHeader("X-Juesuan-Status")) & vbCrLf & _
        "错误：" & http.getResponseHeader("X-Juesuan-Errors") & " 个" & vbCrLf & _
        "提示：" & http.getResponseHeader("X-Juesuan-Warnings") & " 个" & vbCrLf & _
        "自动填列：" & http.getResponseHeader("X-Juesuan-Filled") & " 个单元格" & vbCrLf & vbCrLf & _
        "标注后的工作簿已保存为：" & vbCrLf & outPath, _
        IIf(http.getResponseHeader("X-Juesuan-Status") = "fail", vbExclamation, vbInformation), "决算审核助手"
    Exit Sub

Failed:
    Application.StatusBar = False
    MsgBox "无法完成审核：" & Err.Description & vbCrLf & "请确认服务地址 " & JUESUAN_URL & " 可以访问。", _
        vbCritical, "决算审核助手"
End Sub

' JuesuanAuditWithNarrative checks the workbook and its 决算公开说明 in one
' request: the figures of the narrative against the tables and themselves.
Public Sub JuesuanAuditWithNarrative()
    Dim wb As Workbook
    Dim copyPath As String, baseName As String, boundary As String
    Dim narrPath As Variant
    Dim book() As Byte, narr() As Byte, body() As Byte
    Dim http As Object

    On Error GoTo Failed
    Set wb = ActiveWorkbook
    If wb Is Nothing Then
        MsgBox "请先打开要审核的决算工作簿。", vbExclamation, "决算审核助手"
        Exit Sub
    End If
    narrPath = Application.GetOpenFilename("决算公开说明 (*.docx;*.txt;*.pdf),*.docx;*.txt;*.pdf", , "选择与本工作簿对应的决算公开说明")
    If VarType(narrPath) = vbBoolean Then Exit Sub

    baseName = wb.Name
    If InStrRev(baseName, ".") > 0 Then baseName = Left$(baseName, InStrRev(baseName, ".") - 1)
    copyPath = TempFolder() & "\juesuan-" & Format$(Now, "yyyymmddhhnnss") & ".xlsx"
    SaveXlsxCopy wb, copyPath
    book = ReadBytes(copyPath)
    Kill copyPath
    narr = ReadBytes(CStr(narrPath))

    boundary = "----juesuan-" & Format$(Now, "yyyymmddhhnnss")
    body = MultipartBody(boundary, baseName & ".xlsx", book, Mid$(narrPath, InStrRev(narrPath, "\") + 1), narr)

    Set http = NewHttp()
    http.Open "POST", JUESUAN_URL & "/api/v1/check", False
    http.setRequestHeader "Content-Type", "multipart/form-data; boundary=" & boundary
    http.setRequestHeader "Accept", "application/json, application/problem+json"
    http.setRequestHeader "X-Juesuan-Client", "excel-vba/1"
    Application.StatusBar = "决算审核助手：正在审核 " & wb.Name & " 和说明 ……"
    http.send body
    Application.StatusBar = False

    If http.Status <> 200 Then
        MsgBox "审核失败（HTTP " & http.Status & "）：" & vbCrLf & ProblemDetail(http.responseText), _
            vbCritical, "决算审核助手"
        Exit Sub
    End If

    MsgBox "审核结论（工作簿和说明）：" & StatusText(http.getResponseHeader("X-Juesuan-Status")) & vbCrLf & _
        "错误：" & http.getResponseHeader("X-Juesuan-Errors") & " 个" & vbCrLf & _
        "提示：" & http.getResponseHeader("X-Juesuan-Warnings") & " 个" & vbCrLf & vbCrLf & _
        NarrativeMessages(http.responseText, 10), _
        IIf(http.getResponseHeader("X-Juesuan-Status") = "fail", vbExclamation, vbInformation), "决算审核助手"
    Exit Sub

Failed:
    Application.StatusBar = False
    MsgBox "无法完成审核：" & Err.Description & vbCrLf & "请确认服务地址 " & JUESUAN_URL & " 可以访问。", _
        vbCritical, "决算审核助手"
End Sub

' MultipartBody is the multipart/form-data body of the two files; the part
' headers are UTF-8 (Chinese file names), the files their own bytes.
Private Function MultipartBody(boundary As String, bookName As String, book() As Byte, narrName As String, narr() As Byte) As Byte()
    Dim st As Object
    Set st = CreateObject("ADODB.Stream")
    st.Type = 1
    st.Open
    WriteUtf8 st, "--" & boundary & vbCrLf & "Content-Disposition: form-data; name=""file""; filename=""" & bookName & """" & vbCrLf & "Content-Type: " & XLSX_TYPE & vbCrLf & vbCrLf
    st.Write book
    WriteUtf8 st, vbCrLf & "--" & boundary & vbCrLf & "Content-Disposition: form-data; name=""narrative""; filename=""" & narrName & """" & vbCrLf & "Content-Type: application/octet-stream" & vbCrLf & vbCrLf
    st.Write narr
    WriteUtf8 st, vbCrLf & "--" & boundary & "--" & vbCrLf
    st.Position = 0
    MultipartBody = st.Read
    st.Close
End Function

' WriteUtf8 appends s as UTF-8, without the byte order mark ADODB writes.
Private Sub WriteUtf8(st As Object, s As String)
    Dim t As Object, b() As Byte
    Set t = CreateObject("ADODB.Stream")
    t.Type = 2
    t.Charset = "utf-8"
    t.Open
    t.WriteText s
    t.Position = 0
    t.Type = 1
    t.Position = 3
    b = t.Read
    t.Close
    st.Write b
End Sub

' NarrativeMessages lists the errors and warnings of the narrative (rules
' N..) in a JSON report, at most max of them, without a JSON library.
Private Function NarrativeMessages(body As String, max As Long) As String
    Dim i As Long, n As Long, total As Long, rule As String, sev As String, msg As String, out As String
    i = InStr(body, """rule"":""")
    Do While i > 0
        rule = JsonString(body, i + Len("""rule"":"""))
        If Left$(rule, 1) = "N" Then
            sev = JsonString(body, InStr(i, body, """severity"":""") + Len("""severity"":"""))
            msg = JsonString(body, InStr(i, body, """message"":""") + Len("""message"":"""))
            If sev <> "info" Then
                total = total + 1
                If n < max Then
                    n = n + 1
                    out = out & IIf(sev = "error", "【错误】", "【提示】") & msg & vbCrLf
                End If
            End If
        End If
        i = InStr(i + 1, body, """rule"":""")
    Loop
    If total = 0 Then
        NarrativeMessages = "说明中没有发现错误或提示。"
    ElseIf total > n Then
        NarrativeMessages = "说明中的问题（共 " & total & " 条，列出前 " & n & " 条）：" & vbCrLf & out
    Else
        NarrativeMessages = "说明中的问题：" & vbCrLf & out
    End If
End Function

' JsonString reads the JSON string that starts at i (just after its
' opening quote), undoing the escapes \" \\ \/ \n \t and \uXXXX.
Private Function JsonString(body As String, ByVal i As Long) As String
    Dim c As String, out As String
    Do While i <= Len(body)
        c = Mid$(body, i, 1)
        If c = """" Then Exit Do
        If c = "\" Then
            i = i + 1
            c = Mid$(body, i, 1)
            Select Case c
                Case "n": c = vbLf
                Case "t": c = vbTab
                Case "u"
                    c = ChrW(CLng("&H" & Mid$(body, i + 1, 4)))
                    i = i + 4
            End Select
        End If
        out = out & c
        i = i + 1
    Loop
    JsonString = out
End Function

' SaveXlsxCopy writes the workbook as .xlsx without touching the open file:
' SaveCopyAs keeps the original format, so other formats (.xls, .et, new
' unsaved books) are copied sheet by sheet into a new book first.
Private Sub SaveXlsxCopy(wb As Workbook, path As String)
    Dim tmp As Workbook
    If wb.Path <> "" And wb.FileFormat = XL_OPENXML_WORKBOOK Then
        wb.SaveCopyAs path
        Exit Sub
    End If
    Application.ScreenUpdating = False
    wb.Worksheets.Copy
    Set tmp = ActiveWorkbook
    Application.DisplayAlerts = False
    tmp.SaveAs Filename:=path, FileFormat:=XL_OPENXML_WORKBOOK
    tmp.Close SaveChanges:=False
    Application.DisplayAlerts = True
    Application.ScreenUpdating = True
    wb.Activate
End Sub

Private Function NewHttp() As Object
    On Error Resume Next
    Set NewHttp = CreateObject("MSXML2.ServerXMLHTTP.6.0")
    If NewHttp Is Nothing Then Set NewHttp = CreateObject("WinHttp.WinHttpRequest.5.1")
    On Error GoTo 0
    ' 解析、连接、发送、接收超时（毫秒）：大文件审核可能需要数十秒。
    NewHttp.setTimeouts 5000, 10000, 60000, 120000
End Function

Private Function ReadBytes(path As String) As Byte()
    Dim f As Integer, b() As Byte
    f = FreeFile
    Open path For Binary Access Read As #f
    ReDim b(0 To LOF(f) - 1)
    Get #f, , b
    Close #f
    ReadBytes = b
End Function

Private Sub WriteBytes(path As String, data As Variant)
    Dim f As Integer, b() As Byte
    b = data
    If Dir$(path) <> "" Then Kill path
    f = FreeFile
    Open path For Binary Access Write As #f
    Put #f, , b
    Close #f
End Sub

Private Function TempFolder() As String
    TempFolder = Environ$("TEMP")
    If TempFolder = "" Then TempFolder = CurDir$
End Function

Private Function OutputFolder(wb As Workbook) As String
    If wb.Path <> "" And InStr(wb.Path, "://") = 0 Then
        OutputFolder = wb.Path
    Else
        OutputFolder = TempFolder()
    End If
End Function

' EncodeName percent-encodes the file name as UTF-8 (Excel 2013+); the
' server uses it only to name the result file.
Private Function EncodeName(s As String) As String
    On Error Resume Next
    EncodeName = Application.WorksheetFunction.EncodeURL(s)
    If Err.Number <> 0 Then EncodeName = "workbook.xlsx"
    On Error GoTo 0
End Function

Private Function StatusText(s As String) As String
    Select Case s
        Case "pass": StatusText = "通过"
        Case "warn": StatusText = "通过，但有提示需要说明"
        Case "fail": StatusText = "未通过，请修改标红的单元格"
        Case Else: StatusText = s
    End Select
End Function

' ProblemDetail pulls "detail" out of an application/problem+json body
' without a JSON library (VBA has none built in).
Private Function ProblemDetail(body As String) As String
    Dim i As Long, j As Long
    i = InStr(body, """detail"":""")
    If i = 0 Then
        ProblemDetail = Left$(body, 300)
        Exit Function
    End If
    i = i + Len("""detail"":""")
    j = InStr(i, body, """")
    ProblemDetail = Mid$(body, i, j - i)
End Function
