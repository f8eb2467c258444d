package analysis

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestTableWrite(t *testing.T) {
	tab := Table{
		Title:  "Peak free glutamate",
		Header: []string{"condition", "n", "mean", "note"},
		Rows: [][]string{
			{"control", "100", "1234.5", "a|b"},
			{"cocaine 1µM", "100", "NaN"},
		},
	}
	tests := []struct {
		format, want string
	}{
		{"text", `Peak free glutamate
condition      n    mean  note
-----------  ---  ------  ----
control      100  1234.5  a|b
cocaine 1µM  100     NaN
`},
		{"csv", `condition,n,mean,note
control,100,1234.5,a|b
cocaine 1µM,100,NaN,
`},
		{"json", `[
  {"condition": "control", "n": 100, "mean": 1234.5, "note": "a|b"},
  {"condition": "cocaine 1µM", "n": 100, "mean": null, "note": ""}
]
`},
		{"markdown", `**Peak free glutamate**

| condition | n | mean | note |
| --- | ---: | ---: | --- |
| control | 100 | 1234.5 | a\|b |
| cocaine 1µM | 100 | NaN |  |
`},
		{"MD", ""}, // alias, checked below against "markdown"
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			var b bytes.Buffer
			if err := tab.Write(&b, tc.format); err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if tc.format == "MD" {
				want = tests[3].want
			}
			if b.String() != want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), want)
			}
			if tc.format == "json" {
				var v []map[string]any
				if err := json.Unmarshal(b.Bytes(), &v); err != nil || len(v) != 2 {
					t.Errorf("invalid JSON (%v): %s", err, b.String())
				}
			}
		})
	}

	var b bytes.Buffer
	if err := tab.Write(&b, "xml"); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("unknown format: err = %v", err)
	}
	bad := Table{Header: []string{"a"}, Rows: [][]string{{"1", "2"}}}
	if err := bad.Write(&b, "csv"); err == nil {
		t.Error("row longer than header: no error")
	}
	var empty bytes.Buffer
	if err := (&Table{Header: []string{"a"}}).Write(&empty, "json"); err != nil || empty.String() != "[]\n" {
		t.Errorf("empty JSON = %q, %v", empty.String(), err)
	}
}

func TestTableAddRowFormatNum(t *testing.T) {
	var tab Table
	tab.Header = []string{"x", "y"}
	tab.AddRow("pi", FormatNum(3.14159265))
	tab.AddRow("big", FormatNum(1.5e9))
	if got := tab.Rows[0][1]; got != "3.14159" {
		t.Errorf("FormatNum(π) = %q", got)
	}
	if got := tab.Rows[1][1]; got != "1.5e+09" {
		t.Errorf("FormatNum(1.5e9) = %q", got)
	}
}

// TestTableTextColumns checks that label columns stay strings in JSON and
// left-aligned in text however they read: a condition named "1e3" or a
// seed "42" is not a number.
func TestTableTextColumns(t *testing.T) {
	tab := Table{
		Header: []string{"condition", "seed", "n"},
		Rows:   [][]string{{"1e3", "42", "8"}, {"NaN", "7", "NaN"}},
		Text:   []string{"condition", "seed"},
	}
	var b bytes.Buffer
	if err := tab.Write(&b, "json"); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	want := []map[string]any{{"condition": "1e3", "seed": "42", "n": 8.0}, {"condition": "NaN", "seed": "7", "n": nil}}
	for i := range want {
		for k, v := range want[i] {
			if rows[i][k] != v {
				t.Errorf("row %d %s = %#v, want %#v", i, k, rows[i][k], v)
			}
		}
	}
	b.Reset()
	if err := tab.Write(&b, "text"); err != nil {
		t.Fatal(err)
	}
	if want := "condition  seed    n\n---------  ----  ---\n1e3        42      8\nNaN        7     NaN\n"; b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
}
