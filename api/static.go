package api

import (
	"embed"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

//go:embed web/index.html web/app.js web/style.css openapi.json
var files embed.FS

// OpenAPI returns the embedded OpenAPI 3 document.
func OpenAPI() []byte {
	b, err := files.ReadFile("openapi.json")
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// indexPage is index.html with the upload limit filled in, so the page can
// refuse an oversized file before sending it.
func indexPage(maxUpload int64) []byte {
	b, err := files.ReadFile("web/index.html")
	if err != nil {
		panic(err) // embedded at build time
	}
	return []byte(strings.Replace(string(b), "{{MAX_UPLOAD}}", strconv.FormatInt(maxUpload, 10), 1))
}

// pageCSP keeps the page to its own origin: no inline script, no CDN, and
// workbook text can never become markup or script.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func pageHeaders(c *gin.Context) {
	c.Header("Content-Security-Policy", pageCSP)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "no-referrer")
	c.Header("Cache-Control", "no-cache")
}

func (s *server) page(c *gin.Context) {
	pageHeaders(c)
	c.Data(http.StatusOK, "text/html; charset=utf-8", s.index)
}

func (s *server) static(name, ctype string) gin.HandlerFunc {
	b, err := files.ReadFile("web/" + name)
	if err != nil {
		panic(err) // embedded at build time
	}
	return func(c *gin.Context) {
		pageHeaders(c)
		c.Data(http.StatusOK, ctype, b)
	}
}

func (s *server) openapi(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json; charset=utf-8", OpenAPI())
}
