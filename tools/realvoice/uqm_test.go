package realvoice

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// fixtureCredits is the voice-actor part of uqm-content 0.8.0+deb-1's
// base/cutscene/credits/credits.txt, verbatim (tabs included), between a
// block before and a block after it that must not be read as roles.
const fixtureCredits = "#(PC Producer)\n17 C\nPAM LEVINS\n \n" +
	"#(Voice actors caption)\n13 C\nSTARRING THE VOICES OF:\n\n" +
	"#(Voice actors, batch 1)\n13 R/146,L/165\n" +
	"Richard Antaki\tThraddash\nAlex Bennett\t Starbase\n\tCommander\nRich Betz\tAriloulaleelay\n\tDruuge\n" +
	"Roy Blumenfeld\tZoq-Fot-Pik\nDavid Bryce\tKohr-Ah\n\tIlwrath\n\tShofixti\n\tSpathi\n" +
	"Lauren Forcella\tSupox\nGreg Johnson\tOrz\n\tPkunk\n\tUtwig\n\n" +
	"#(Voice actors, batch 2)\n13 R/146,L/165\n" +
	"Bruce Leyland\tYehat\nErol Otus\tChmmr\nPaul Reiche III\tMycon\n\tTalking Pet\n" +
	"Brad Van Tighem\tSlylandro Speaker\nMadeleine Wild\tZoq-Fot-Pik\n\tSyreen\n\tVUX\n" +
	"Larry Zee\tUmgah\n\tMelnorme\n\tUr-Quan\n840-AV\tSlylandro Probe\nPaul II, Paul III\tVictory Sequence\n" +
	"Arianna\n& Devin Reiche\n \n" +
	"#(V.Eff caption)\n13 C\nVOICE EFFECTS\n\n#(V.Eff crew)\n17 C\nJEFF FOREHAN\n"

// uqmFolders are the 27 comm folders of uqm-voice 0.8.0+deb-1 (3dovoice/*).
var uqmFolders = strings.Fields(`arilou chmmr commander druuge ilwrath kohrah melnorme mycon orz pkunk probe
	safeones shofixti slylandro spathi starbase supox syreen talkingpet thraddash umgah urquan utwig vux yehat
	yehatrebels zoqfotpik`)

func TestParseUQMCredits(t *testing.T) {
	cs, err := ParseUQMCredits("credits.txt", []byte(fixtureCredits))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 27 {
		t.Errorf("%d roles, want 27", len(cs))
	}
	// the line numbers are the fixture's own; spot-check continuation roles
	got := map[string]string{}
	for _, c := range cs {
		got[c.Role] += c.Actor + ";"
	}
	for role, want := range map[string]string{"Commander": "Alex Bennett;", "Starbase": "Alex Bennett;", "Spathi": "David Bryce;",
		"Zoq-Fot-Pik": "Roy Blumenfeld;Madeleine Wild;", "Ur-Quan": "Larry Zee;", "Victory Sequence": "Paul II, Paul III;",
		"Slylandro Probe": "840-AV;"} {
		if got[role] != want {
			t.Errorf("role %s: actors %q, want %q", role, got[role], want)
		}
	}
	if _, ok := got["JEFF FOREHAN"]; ok || len(got) != 26 {
		t.Errorf("roles %v: want 26 distinct, none from the voice-effects block", got)
	}
	if _, err := ParseUQMCredits("x.txt", []byte("#(Core team)\n13 C\nSomeone\n")); !errors.Is(err, errs.ErrBadData) || !strings.Contains(err.Error(), "x.txt") {
		t.Errorf("credits without the table: err %v, want bad data naming the file", err)
	}
	if _, err := ParseUQMCredits("y.txt", []byte("#(Voice actors, batch 1)\n13 R/146,L/165\n\tSpathi\n")); err == nil || !strings.Contains(err.Error(), "y.txt:3") {
		t.Errorf("role before any actor: err %v, want one naming y.txt:3", err)
	}
}

// zipFixture writes a zip archive holding files (name -> bytes) at path.
func zipFixture(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write(files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestBuildUQM builds from package trees shaped like uqm-voice and
// uqm-content: speakers are actors (two folders of David Bryce make one
// speaker), the probe, the uncredited, the two-actor and the
// effect-screened (spathi) folders are left out, the licence is marked non-commercial, and --commercial-only refuses it.
func TestBuildUQM(t *testing.T) {
	d := t.TempDir()
	voice := map[string][]byte{"3dovoice/3dovoice.rmp": []byte("x"), "3dovoice/ilwrath/ilwrath.txt": []byte("#(HELLO) ilwrath-000.ogg")}
	for i, f := range []string{"ilwrath/ilwrath-000", "ilwrath/ilwrath-001", "shofixti/shofixti-000", "thraddash/thraddash-000",
		"spathi/spathi-000", "probe/probe-000", "safeones/safeones-000", "zoqfotpik/zoqfotpik-000"} {
		voice["3dovoice/"+f+".ogg"] = tone(t, 200+40*float64(i), 11025, 0.3) // WAV bytes stand in for Ogg
	}
	zipFixture(t, filepath.Join(d, "v/usr/share/games/uqm/content/addons/uqm-0.8.0-voice.uqm"), voice)
	zipFixture(t, filepath.Join(d, "c/usr/share/games/uqm/content/packages/uqm-0.8.0-content.uqm"),
		map[string][]byte{"base/cutscene/credits/credits.txt": []byte(fixtureCredits)})
	unp := fakeUnpacker{"uqm-voice": filepath.Join(d, "v"), "uqm-content": filepath.Join(d, "c")}
	out := filepath.Join(d, "out")
	res, err := Build(context.Background(), Options{Out: out, Sources: []string{"uqm"}, Unpacker: unp, Converter: &wavConverter{}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range res.Speakers {
		got = append(got, fmt.Sprintf("%s/%s/%d", s.ID, s.Group, s.Files))
	}
	if d := cmp.Diff([]string{"uqm-david-bryce/uqm-david-bryce/3", "uqm-richard-antaki/uqm-richard-antaki/1"}, got); d != "" {
		t.Errorf("speakers/groups/files (-want +got):\n%s", d)
	}
	tsv, _ := os.ReadFile(filepath.Join(out, "speakers.tsv"))
	for _, want := range []string{"\tcommercial\n", "CC-BY-NC-SA-2.5", "\tno\n", "David Bryce of the comm folders ilwrath (credits line 18), shofixti (credits line 19)"} {
		if !strings.Contains(string(tsv), want) {
			t.Errorf("speakers.tsv lacks %q:\n%s", want, tsv)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "uqm-david-bryce", "ilwrath-001.wav")); err != nil {
		t.Error(err)
	}
	if _, err := Build(context.Background(), Options{Out: filepath.Join(d, "out2"), Sources: []string{"uqm"}, Unpacker: unp,
		Converter: &wavConverter{}, CommercialOnly: true}); err == nil || !strings.Contains(err.Error(), "non-commercial") {
		t.Errorf("commercial-only: err %v, want a refusal of uqm", err)
	}
}

// TestCastUQMRealFolders: on the 27 folders of uqm-voice 0.8.0+deb-1 and
// its credits, the cast keeps 12 actors over 18 folders and drops the
// probe (a machine credit), safeones (uncredited), zoqfotpik (two actors)
// and the six folders screened for voice effects.
func TestCastUQMRealFolders(t *testing.T) {
	cs, err := ParseUQMCredits("credits.txt", []byte(fixtureCredits))
	if err != nil {
		t.Fatal(err)
	}
	cast, err := CastUQM(cs, uqmFolders)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"arilou": "Rich Betz", "chmmr": "Erol Otus", "commander": "Alex Bennett", "ilwrath": "David Bryce",
		"melnorme": "Larry Zee", "mycon": "Paul Reiche III", "orz": "Greg Johnson", "shofixti": "David Bryce",
		"slylandro": "Brad Van Tighem", "starbase": "Alex Bennett", "supox": "Lauren Forcella", "syreen": "Madeleine Wild",
		"thraddash": "Richard Antaki", "umgah": "Larry Zee", "utwig": "Greg Johnson", "vux": "Madeleine Wild",
		"yehat": "Bruce Leyland", "yehatrebels": "Bruce Leyland"}
	if d := cmp.Diff(want, cast.Actor); d != "" {
		t.Errorf("kept folders (-want +got):\n%s", d)
	}
	why := map[string]string{}
	for f, w := range cast.Dropped {
		why[f], _, _ = strings.Cut(w, ":")
	}
	wantWhy := map[string]string{"probe": `credited to "840-AV" (line 39)`, "safeones": "uncredited",
		"zoqfotpik": "voiced by Roy Blumenfeld (line 16) and Madeleine Wild (line 33)",
		"druuge":    "voice effects", "kohrah": "voice effects", "pkunk": "voice effects", "spathi": "voice effects",
		"talkingpet": "voice effects", "urquan": "voice effects"}
	if d := cmp.Diff(wantWhy, why); d != "" {
		t.Errorf("dropped folders (-want +got):\n%s", d)
	}
	actors := map[string]bool{}
	for _, a := range cast.Actor {
		actors[a] = true
	}
	if len(actors) != 12 {
		t.Errorf("%d actors kept, want 12", len(actors))
	}
}
