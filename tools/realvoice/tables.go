package realvoice

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
)

// finish writes speakers.tsv and utterances.tsv and fills the result.
func (b *builder) finish() (*Result, error) {
	sort.Strings(b.order)
	var sp, ut bytes.Buffer
	sp.WriteString("speaker\tgroup\tsource\tpackage\tfiles\tseconds\tsample_rates\tlicence\tidentity\tcommercial\n")
	for _, id := range b.order {
		s := b.spk[id]
		commercial := "yes"
		if !s.Commercial {
			commercial = "no"
		}
		fmt.Fprintf(&sp, "%s\t%s\t%s\t%s\t%d\t%.2f\t%s\t%s\t%s\t%s\n", s.ID, s.Group, s.Source, s.Package,
			s.Files, s.Seconds, ratesString(s.Rates), s.Licence, s.Identity, commercial)
		b.res.Speakers = append(b.res.Speakers, *s)
		b.res.Seconds += s.Seconds
	}
	ut.WriteString("utt_id\tspeaker\tduration_s\tsource\n")
	for _, u := range b.utts {
		fmt.Fprintf(&ut, "%s\t%s\t%.3f\t%s\n", u.id, u.speaker, u.seconds, u.source)
	}
	b.res.Utterances = len(b.utts)
	for name, buf := range map[string]*bytes.Buffer{"speakers.tsv": &sp, "utterances.tsv": &ut} {
		if err := atomicfile.WriteFile(filepath.Join(b.o.Out, name), buf.Bytes()); err != nil {
			return nil, err
		}
	}
	return &b.res, nil
}

func ratesString(r map[int]int) string {
	var ks []int
	for k := range r {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	var p []string
	for _, k := range ks {
		p = append(p, fmt.Sprint(k))
	}
	return strings.Join(p, ",")
}
