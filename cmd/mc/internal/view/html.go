package view

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// viewerJS is the front end: three.js and web/src/main.js bundled and
// minified by web/build.mjs (three.js's licence is assets/three.LICENSE).
//
//go:embed assets/viewer.min.js
var viewerJS string

//go:embed assets/three.LICENSE
var threeLicense string

// ThreeLicense is the licence of the three.js library bundled in the page.
func ThreeLicense() string { return threeLicense }

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="reuptake mc view">
<title>{{.Title}}</title>
<style>
html, body { margin: 0; height: 100%; background: #15181e; color: #e6e6e6; font: 13px/1.4 system-ui, sans-serif; }
#app { display: flex; height: 100%; }
#view { flex: 1; position: relative; min-width: 0; }
#view canvas { display: block; }
#scale { position: absolute; left: 16px; bottom: 14px; border-bottom: 2px solid #ddd; border-left: 2px solid #ddd; border-right: 2px solid #ddd; height: 6px; font-size: 11px; text-align: center; line-height: 0; padding-top: 0; color: #ddd; }
#panel { width: 310px; overflow-y: auto; padding: 10px 14px; box-sizing: border-box; background: #1d2129; border-left: 1px solid #2c313b; }
h1 { font-size: 15px; margin: 2px 0 2px; } h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #9aa4b5; margin: 14px 0 4px; }
.src { color: #8a93a3; font-size: 11px; word-break: break-all; }
.note { background: #3a3220; border-left: 3px solid #e0a526; padding: 4px 6px; margin: 6px 0; font-size: 12px; }
.sw { display: inline-block; width: 11px; height: 11px; border-radius: 2px; vertical-align: -1px; border: 1px solid #0006; }
.sw.round { border-radius: 50%; }
.item { display: block; margin: 2px 0; } .st { margin-right: 6px; white-space: nowrap; } .st .sw { margin-right: 2px; }
.sub { color: #9aa4b5; margin-top: 6px; font-size: 12px; }
.dim { color: #8a93a3; font-size: 11px; }
.row { display: flex; align-items: center; gap: 6px; margin: 4px 0; }
input[type=range] { width: 100%; }
table.counts { border-collapse: collapse; width: 100%; } table.counts td, table.counts th { padding: 1px 4px; text-align: left; font-weight: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
button { background: #2c3340; color: #e6e6e6; border: 1px solid #444c5c; border-radius: 3px; padding: 2px 8px; cursor: pointer; }
select { background: #2c3340; color: #e6e6e6; border: 1px solid #444c5c; }
pre.error { color: #ff8080; white-space: pre-wrap; padding: 1em; }
</style>
</head>
<body>
<div id="app"></div>
<script id="scene" type="application/json">{{.Data}}</script>
<script>{{.JS}}</script>
</body>
</html>
`

var pageTmpl = template.Must(template.New("page").Parse(page))

// WriteHTML writes the scene as one self-contained HTML page: the data as
// JSON (bulk arrays in base64) and the bundled front end inline, so that
// the page works offline.
func WriteHTML(w io.Writer, s *Scene) error {
	data, err := json.Marshal(s) // escapes <, > and & so the data cannot end the script element
	if err != nil {
		return fmt.Errorf("view: encode scene: %w", err)
	}
	js := strings.ReplaceAll(viewerJS, "</script", `<\/script`)
	return pageTmpl.Execute(w, struct {
		Title string
		Data  template.JS
		JS    template.JS
	}{s.Title, template.JS(data), template.JS(js)})
}
