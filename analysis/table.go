package analysis

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TableFormats lists the formats Table.Write accepts.
var TableFormats = []string{"text", "csv", "json", "markdown"}

// Table is a titled table of preformatted cells, printed by Write.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
	// Text names the columns that hold labels (condition, quantity, unit,
	// ...): their cells are always strings, in JSON and in alignment, even
	// when they read as numbers (a condition named "1e3"). Every other
	// column holds numbers formatted by the table's builder.
	Text []string
}

// isText reports whether column j is a label column.
func (t *Table) isText(j int) bool { return slices.Contains(t.Text, t.Header[j]) }

// AddRow appends a row of cells.
func (t *Table) AddRow(cells ...string) { t.Rows = append(t.Rows, cells) }

// FormatNum formats v for a table cell with 6 significant digits ('g'
// format); NaN and infinities print as NaN, +Inf and -Inf.
func FormatNum(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// Write prints the table to w in one of TableFormats (case-insensitive; "md"
// is accepted for "markdown"):
//
//   - "text": the title, then aligned columns separated by two spaces with a
//     dashed rule under the header; numeric columns are right-aligned.
//   - "csv": RFC 4180, header row first; the title is not written.
//   - "json": an array of objects, one per row, keys in header order; cells
//     of label columns (Text) are strings; in the other columns, cells that
//     parse as finite numbers are written as JSON numbers, NaN and
//     infinities as null, everything else (an empty cell, a note) as
//     strings. The title is not written.
//   - "markdown": the title as a bold line, then a pipe table with numeric
//     columns right-aligned.
//
// Rows shorter than the header are padded with empty cells; a row longer
// than the header is an error.
func (t *Table) Write(w io.Writer, format string) error {
	for i, r := range t.Rows {
		if len(r) > len(t.Header) {
			return fmt.Errorf("analysis: table %q: row %d has %d cells for %d columns", t.Title, i, len(r), len(t.Header))
		}
	}
	bw := bufio.NewWriter(w)
	var err error
	switch strings.ToLower(format) {
	case "text", "txt", "":
		err = t.writeText(bw)
	case "csv":
		err = t.writeCSV(bw)
	case "json":
		err = t.writeJSON(bw)
	case "markdown", "md":
		err = t.writeMarkdown(bw)
	default:
		return fmt.Errorf("analysis: unknown table format %q (want one of %s)", format, strings.Join(TableFormats, ", "))
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// cell returns row r's cell in column j, or "" past its end.
func (t *Table) cell(r, j int) string {
	if j < len(t.Rows[r]) {
		return t.Rows[r][j]
	}
	return ""
}

// numericColumns reports for each column whether every non-empty cell is a
// number (so the column is right-aligned).
func (t *Table) numericColumns() []bool {
	num := make([]bool, len(t.Header))
	for j := range t.Header {
		num[j] = len(t.Rows) > 0 && !t.isText(j)
		for r := range t.Rows {
			c := strings.TrimSpace(t.cell(r, j))
			if c == "" {
				continue
			}
			if _, err := strconv.ParseFloat(c, 64); err != nil {
				num[j] = false
				break
			}
		}
	}
	return num
}

func (t *Table) writeText(w *bufio.Writer) error {
	width := make([]int, len(t.Header))
	for j, h := range t.Header {
		width[j] = utf8.RuneCountInString(h)
		for r := range t.Rows {
			width[j] = max(width[j], utf8.RuneCountInString(t.cell(r, j)))
		}
	}
	num := t.numericColumns()
	line := func(cells func(j int) string) {
		var b strings.Builder
		for j := range t.Header {
			c := cells(j)
			pad := strings.Repeat(" ", width[j]-utf8.RuneCountInString(c))
			if j > 0 {
				b.WriteString("  ")
			}
			if num[j] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		w.WriteString(strings.TrimRight(b.String(), " ") + "\n")
	}
	if t.Title != "" {
		w.WriteString(t.Title + "\n")
	}
	line(func(j int) string { return t.Header[j] })
	line(func(j int) string { return strings.Repeat("-", width[j]) })
	for r := range t.Rows {
		line(func(j int) string { return t.cell(r, j) })
	}
	return nil
}

func (t *Table) writeCSV(w *bufio.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	row := make([]string, len(t.Header))
	for r := range t.Rows {
		for j := range row {
			row[j] = t.cell(r, j)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (t *Table) writeJSON(w *bufio.Writer) error {
	w.WriteString("[")
	for r := range t.Rows {
		if r > 0 {
			w.WriteString(",")
		}
		w.WriteString("\n  {")
		for j, h := range t.Header {
			if j > 0 {
				w.WriteString(", ")
			}
			k, err := json.Marshal(h)
			if err != nil {
				return err
			}
			w.Write(k)
			w.WriteString(": ")
			c := t.cell(r, j)
			if v, err := strconv.ParseFloat(strings.TrimSpace(c), 64); err == nil && !t.isText(j) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					w.WriteString("null")
				} else {
					w.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
				}
				continue
			}
			s, err := json.Marshal(c)
			if err != nil {
				return err
			}
			w.Write(s)
		}
		w.WriteString("}")
	}
	if len(t.Rows) > 0 {
		w.WriteString("\n")
	}
	w.WriteString("]\n")
	return nil
}

func (t *Table) writeMarkdown(w *bufio.Writer) error {
	esc := func(s string) string {
		s = strings.ReplaceAll(s, "|", `\|`)
		return strings.ReplaceAll(s, "\n", " ")
	}
	if t.Title != "" {
		fmt.Fprintf(w, "**%s**\n\n", esc(t.Title))
	}
	num := t.numericColumns()
	w.WriteString("|")
	for _, h := range t.Header {
		w.WriteString(" " + esc(h) + " |")
	}
	w.WriteString("\n|")
	for j := range t.Header {
		if num[j] {
			w.WriteString(" ---: |")
		} else {
			w.WriteString(" --- |")
		}
	}
	w.WriteString("\n")
	for r := range t.Rows {
		w.WriteString("|")
		for j := range t.Header {
			w.WriteString(" " + esc(t.cell(r, j)) + " |")
		}
		w.WriteString("\n")
	}
	return nil
}
