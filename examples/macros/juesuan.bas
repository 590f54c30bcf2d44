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

    outPath = OutputFolder(wb) & "\" & baseName & "-审核.xlsx"
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
