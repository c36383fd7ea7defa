// Package layout lays text out for a terminal: tables whose long cells wrap
// within ReportWidth, and prose and shell commands wrapped to it.
package layout

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// ReportWidth is the widest line the report prints: a laptop terminal at
// full width. Tables wrap their long cells to fit, and prose wraps at
// spaces; a token wider than its column (a digest, an ARN) is broken at a
// separator, so no line is ever wider.
const ReportWidth = 160

// columnGap is the space between two table columns.
const columnGap = 2

// minColumn is the narrowest a wrapped column becomes: narrower, a cell is
// more line breaks than text.
const minColumn = 12

// maxUnbroken is the widest a column keeps for its longest word when the
// table must wrap: a longer token (an image digest) is broken instead.
const maxUnbroken = 48

// Table writes rows under a header (none when header is nil), aligned in
// columns two spaces apart. When the table is wider than ReportWidth, the
// widest columns are narrowed and their cells wrapped onto continuation
// lines, so a long policy, pattern or description stays in its column.
// A table that fits is laid out exactly as text/tabwriter would.
func Table(w io.Writer, header []string, rows [][]string) error {
	all := rows
	if header != nil {
		all = append([][]string{header}, rows...)
	}
	cols := 0
	for _, row := range all {
		cols = max(cols, len(row))
	}
	if cols == 0 {
		return nil
	}
	widths := columnWidths(all, cols)
	var b bytes.Buffer
	for _, row := range all {
		cells := make([][]string, len(row))
		height := 1
		for i, cell := range row {
			cells[i] = wrapCell(cell, widths[i])
			height = max(height, len(cells[i]))
		}
		for l := 0; l < height; l++ {
			var line strings.Builder
			for i := range row {
				text := ""
				if l < len(cells[i]) {
					text = cells[i][l]
				}
				line.WriteString(text)
				if i < len(row)-1 {
					line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(text)+columnGap))
				}
			}
			s := line.String()
			if l > 0 {
				s = strings.TrimRight(s, " ") // a continuation line has no cells to align after its text
			}
			b.WriteString(s + "\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// columnWidths lays out a table in ReportWidth, much as browsers lay out
// tables: a column whose longest cell is at most maxUnbroken wide (a name,
// a count, a key) keeps it whole; a wider one gets its longest word (at
// most maxUnbroken), and the room left is shared among the wide columns in
// proportion to how much more each wants, after making whole the columns
// that little room makes whole. Only when that does not fit are
// short columns wrapped too, and then the widest narrowed, down to minColumn.
func columnWidths(all [][]string, cols int) []int {
	want := make([]int, cols)  // the longest cell
	words := make([]int, cols) // the longest word, at most maxUnbroken
	for _, row := range all {
		for i, cell := range row {
			want[i] = max(want[i], utf8.RuneCountInString(cell))
			for _, word := range strings.Fields(cell) {
				words[i] = max(words[i], min(utf8.RuneCountInString(word), maxUnbroken))
			}
		}
	}
	room := ReportWidth - columnGap*(cols-1)
	sum := func(ws []int) int {
		total := 0
		for _, w := range ws {
			total += w
		}
		return total
	}
	if sum(want) <= room {
		return want
	}
	short := make([]int, cols) // short columns whole, wide ones at their longest word
	for i := range short {
		short[i] = words[i]
		if want[i] <= maxUnbroken {
			short[i] = want[i]
		}
	}
	for _, least := range [][]int{short, words} {
		extra := room - sum(least)
		if extra < 0 {
			continue
		}
		widths := slices.Clone(least)
		// A column the room left makes whole is made whole first, the
		// smallest need first: a resource type a few runes over
		// maxUnbroken stays one token while a long name wraps.
		order := make([]int, cols)
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return (want[a] - least[a]) - (want[b] - least[b]) })
		for _, i := range order {
			if d := want[i] - widths[i]; d > 0 && d <= extra {
				widths[i], extra = want[i], extra-d
			}
		}
		need := sum(want) - sum(widths)
		base := slices.Clone(widths)
		for i := range widths {
			if need > 0 {
				widths[i] += extra * (want[i] - base[i]) / need
			}
		}
		// What the rounding left goes to the columns that still wrap.
		for left := room - sum(widths); left > 0; {
			grew := false
			for i := range widths {
				if left > 0 && widths[i] < want[i] {
					widths[i]++
					left--
					grew = true
				}
			}
			if !grew {
				break
			}
		}
		return widths
	}
	widths := slices.Clone(words)
	for sum(widths) > room {
		widest := 0
		for i, wd := range widths {
			if wd > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= minColumn {
			break
		}
		widths[widest]--
	}
	return widths
}

// wrapCell splits a cell into lines of at most width runes: at spaces,
// and a word wider than the column at its last separator that fits.
func wrapCell(s string, width int) []string { return wrapWords(s, width, width) }

// wrapWords wraps s into a first line of at most first runes and further
// lines of at most rest runes.
func wrapWords(s string, first, rest int) []string {
	if utf8.RuneCountInString(s) <= first {
		return []string{s}
	}
	var lines []string
	width := func() int {
		if len(lines) == 0 {
			return first
		}
		return rest
	}
	line := ""
	for _, word := range strings.Fields(s) {
		for line == "" && utf8.RuneCountInString(word) > width() {
			head, tail := breakWord(word, width())
			lines = append(lines, head)
			word = tail
		}
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width():
			line += " " + word
		default:
			lines = append(lines, line)
			line = ""
			for utf8.RuneCountInString(word) > width() {
				head, tail := breakWord(word, width())
				lines = append(lines, head)
				word = tail
			}
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// breakWord cuts an unbroken token (an ARN, a path, a JSON pattern) after
// the last separator that leaves at most width runes, or at width.
func breakWord(word string, width int) (head, rest string) {
	runes := []rune(word)
	cut := width
	for i := width; i > width/2; i-- {
		if strings.ContainsRune("/:,-.=&|)}]", runes[i-1]) {
			cut = i
			break
		}
	}
	return string(runes[:cut]), string(runes[cut:])
}

// WrapProse wraps every line of text wider than ReportWidth at spaces; its
// continuation lines are indented two spaces past the line's own indent.
// Tables are already narrow enough (table wraps them), so what this catches
// is prose: headlines, warnings, explanations.
func WrapProse(text string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		body := strings.TrimSuffix(l, "\n")
		if utf8.RuneCountInString(body) <= ReportWidth {
			b.WriteString(l)
			continue
		}
		trimmed := strings.TrimLeft(body, " ")
		indent := body[:len(body)-len(trimmed)]
		cont := indent + "  "
		for i, line := range wrapWords(trimmed, ReportWidth-len(indent), ReportWidth-len(cont)) {
			if i > 0 {
				line = cont + line
			} else {
				line = indent + line
			}
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// ShellLines renders a command for a reader to copy: one line if it fits in
// ReportWidth after indent, else broken before its options with a
// backslash at each line's end, which every POSIX shell joins back.
func ShellLines(indent, command string) string {
	if len(indent)+utf8.RuneCountInString(command) <= ReportWidth {
		return indent + command + "\n"
	}
	var parts []string
	for _, word := range strings.Fields(command) {
		if strings.HasPrefix(word, "--") || len(parts) == 0 {
			parts = append(parts, word)
		} else {
			parts[len(parts)-1] += " " + word
		}
	}
	var b strings.Builder
	line := indent + parts[0]
	for _, p := range parts[1:] {
		if utf8.RuneCountInString(line)+1+utf8.RuneCountInString(p)+2 > ReportWidth {
			fmt.Fprintf(&b, "%s \\\n", line)
			line = indent + "    " + p
			continue
		}
		line += " " + p
	}
	b.WriteString(line + "\n")
	return b.String()
}
