package reports

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/spendsim/spendsim/internal/stats/statstest"
)

// TestReportHTML: report.html parses as HTML, has the summary table with a row per
// sweep point and intervals, embeds every plot as the very PNG written beside it, shows
// the scenario, and references nothing outside itself.
func TestReportHTML(t *testing.T) {
	runs := statstest.SynthRuns(4, 3)
	dir := writeSimulation(t, testSimulation(runs, statstest.SynthDays(runs, 30)))
	data := readFile(t, filepath.Join(dir, ReportFile))
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var imgs []map[string]string
	var rows, figures int
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			switch n.Data {
			case "img":
				imgs = append(imgs, attrs)
			case "figure":
				figures++
			case "tr":
				if n.Parent != nil && n.Parent.Data == "tbody" {
					rows++
				}
			case "link", "script", "iframe":
				t.Errorf("report.html has a <%s>: it must stand alone", n.Data)
			}
			if src := attrs["src"]; src != "" && !strings.HasPrefix(src, "data:") {
				t.Errorf("<%s src=%q> refers outside the file", n.Data, src)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if rows != 4 {
		t.Errorf("summary table has %d rows, want one per sweep point (4)", rows)
	}
	bases := []string{SpendVsSLA, SpendByCategory, FirstResponseCDF}
	if figures != len(bases) || len(imgs) != len(bases) {
		t.Fatalf("%d figures, %d images; want %d of each", figures, len(imgs), len(bases))
	}
	for i, base := range bases {
		img := imgs[i]
		if img["data-file"] != base+".png" || img["alt"] == "" {
			t.Errorf("image %d: data-file %q, alt %q; want %s.png with alt text", i, img["data-file"], img["alt"], base)
		}
		b64, ok := strings.CutPrefix(img["src"], "data:image/png;base64,")
		if !ok {
			t.Fatalf("image %d: src is not an inline PNG: %.40q", i, img["src"])
		}
		png, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatalf("image %d: %v", i, err)
		}
		if file := readFile(t, filepath.Join(dir, base+".png")); !bytes.Equal(png, file) {
			t.Errorf("%s: the inline PNG is not the %s.png written beside the report", base, base)
		}
	}
	s := string(data)
	for _, want := range []string{
		"<!DOCTYPE html>", `<table id="points">`, "Cheapest in total:", "p90 first<br>response", "answered<br>in window",
		"95% Student t confidence interval", `class="ci"`, "name: night-staff", // the scenario, as YAML
	} {
		if !strings.Contains(s, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(s, "ZgotmplZ") {
		t.Error("html/template rejected a value (ZgotmplZ in the output)")
	}
	// Written like every output: complete under its final name, no temporaries left.
	if es, _ := os.ReadDir(dir); len(es) != len(wantOutputFiles) {
		t.Errorf("%d files in the output, want %d", len(es), len(wantOutputFiles))
	}
}
