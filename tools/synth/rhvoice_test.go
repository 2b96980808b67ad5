package synth

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixtureRHVoiceCopyright is the shape of rhvoice 1.8.0+dfsg-3's copyright
// file: a data/* stanza and per-voice stanzas, other stanzas between.
const fixtureRHVoiceCopyright = `Files: *
Copyright: Copyright (C) Olga Yakovleva <olga@rhvoice.org>
License: LGPL-2.1+

Files: data/*
Copyright: Copyright (C) Olga Yakovleva <olga@rhvoice.org>
License: LGPL-2.1+

Files: data/voices/arina/*
Copyright: Artem Plaksin
License: CC-BY-NC-ND-4.0

Files: data/voices/talgat/*
Copyright: rsbs
License: Talgat
 Permission is hereby granted to use, copy, distribute and modify the
 product on condition that the product or its derivatives are not used
 commercially

Files: data/voices/aleksandr-hq/*
Copyright: someone
License: CC-BY-SA-4.0

Files: src/core/*
License: LGPL-2.1+
`

func TestRHVoiceVoices(t *testing.T) {
	lic := ParseRHVoiceLicences([]byte(fixtureRHVoiceCopyright))
	want := map[string]string{"": "LGPL-2.1+", "arina": "CC-BY-NC-ND-4.0", "talgat": "Talgat", "aleksandr-hq": "CC-BY-SA-4.0"}
	if d := cmp.Diff(want, lic); d != "" {
		t.Errorf("licences (-want +got):\n%s", d)
	}
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "copyright"), fixtureRHVoiceCopyright)
	for name, info := range map[string]string{
		"slt": "name=Slt\nlanguage=English\ngender=female\n", "arina": "name=Arina\nlanguage=Russian\ngender=female\n",
		"aleksandr": "name=Aleksandr\nlanguage=Russian\ngender=male\n", "aleksandr-hq": "name=Aleksandr-hq\nlanguage=Russian\ngender=male\n",
		"talgat": "name=Talgat\nlanguage=Tatar\ngender=male\n", "evgeniy-eng": "name=Evgeniy-Eng\nlanguage=English\ngender=male\n",
	} {
		writeFile(t, filepath.Join(root, "data", "voices", name, "voice.info"), info)
	}
	old := RHVoiceRoot
	t.Cleanup(func() { RHVoiceRoot = old })
	RHVoiceRoot = root
	vs, err := RHVoiceVoices()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, strings.Join([]string{v.Name, v.Person, v.Gender, v.Licence, yesNo(v.Commercial())}, " "))
	}
	wantVoices := []string{"aleksandr rhvoice/aleksandr male LGPL-2.1+ yes", "aleksandr-hq rhvoice/aleksandr male CC-BY-SA-4.0 yes",
		"arina rhvoice/arina female CC-BY-NC-ND-4.0 no", "evgeniy-eng rhvoice/evgeniy male LGPL-2.1+ yes",
		"slt cmu-slt female LGPL-2.1+ yes", "talgat rhvoice/talgat male Talgat no"}
	if d := cmp.Diff(wantVoices, got); d != "" {
		t.Errorf("voices (-want +got):\n%s", d)
	}
	// Tatar has no sentence generator; aleksandr and aleksandr-hq are one person
	names := func(bs []BaseVoice) (out []string) {
		for _, b := range bs {
			var vn []string
			for _, v := range b.Voices {
				vn = append(vn, v.Name+":"+v.Lang)
			}
			out = append(out, b.Name+"="+strings.Join(vn, ","))
		}
		return out
	}
	all := []string{"cmu-slt=slt:en", "rhvoice/aleksandr=aleksandr:ru,aleksandr-hq:ru", "rhvoice/arina=arina:ru", "rhvoice/evgeniy=evgeniy-eng:en"}
	if d := cmp.Diff(all, names(RHVoiceBaseVoices(vs, false))); d != "" {
		t.Errorf("base voices (-want +got):\n%s", d)
	}
	free := []string{"cmu-slt=slt:en", "rhvoice/aleksandr=aleksandr:ru,aleksandr-hq:ru", "rhvoice/evgeniy=evgeniy-eng:en"}
	if d := cmp.Diff(free, names(RHVoiceBaseVoices(vs, true))); d != "" {
		t.Errorf("commercial-only base voices (-want +got):\n%s", d)
	}
	if _, err := ParseRHVoiceInfo("voices/x/voice.info", []byte("name=X\n")); err == nil || !strings.Contains(err.Error(), "voices/x/voice.info") {
		t.Errorf("voice.info without language: err %v", err)
	}
}

// TestRHVoiceSpeakLive synthesizes when VOXSIAM_RHVOICE_CACHE names a cache
// that scripts/timbre_corpus.go -engine rhvoice filled: slt (female) must have an
// autocorrelation F0 above 150 Hz, alan (male) below, and pitch 1.2
// must raise alan's F0 by 10-30%.
func TestRHVoiceSpeakLive(t *testing.T) {
	cache := liveCache(t, "VOXSIAM_RHVOICE_CACHE")
	old := RHVoiceRoot
	t.Cleanup(func() { RHVoiceRoot = old })
	RHVoiceRoot = filepath.Join(cache, "rhvoice-root")
	f0 := func(voice string, pitch float64) float64 {
		s := Speaker{Voice: Voice{Engine: RHVoice, Name: voice, Lang: "en"}, Pitch: pitch, Speed: 1, Warp: 1}
		c := rhvoiceSpeak(context.Background(), s, []string{"The quick brown fox jumps over the lazy dog."}, t.TempDir())[0]
		if c.err != nil {
			t.Fatal(c.err)
		}
		if len(c.x) < c.rate {
			t.Fatalf("%s: %d samples at %d Hz, want > 1 s", voice, len(c.x), c.rate)
		}
		return loudestF0(c.x, c.rate)
	}
	slt, alan, alanHigh := f0("slt", 1), f0("alan", 1), f0("alan", 1.2)
	if slt <= 150 || alan >= 150 || alanHigh/alan < 1.1 || alanHigh/alan > 1.3 {
		t.Errorf("F0 slt %.0f Hz, alan %.0f Hz, alan at pitch 1.2 %.0f Hz: want slt > 150 > alan, ratio 1.1-1.3", slt, alan, alanHigh)
	}
}
