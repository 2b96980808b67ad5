// Package realvoice assembles a corpus of real recorded human speech with
// speaker labels from Debian packages that ship voice recordings: KDE's
// ktuberling-data (words, one recording person per language) and
// klettres-data (letters and syllables per language), gcin-voice (Mandarin
// syllables by two credited speakers), hedgewars-data (game voice packs),
// 0ad-data (unit voices per civilisation language and gender) and, from
// non-free, uqm-voice (Star Control II's voice acting; the speaker is the
// actor the credits in uqm-content name, CC BY-NC-SA 2.5, so marked
// commercial=no in speakers.tsv and refused by Options.CommercialOnly).
//
// PrivateApt reaches contrib and non-free without touching the system:
// it derives a sources.list from the machine's own sources (one-line and
// deb822 files; same URIs, suites and keyrings) into a directory of its
// own and runs apt-get/apt-cache with -o Dir::Etc::SourceList,
// Dir::Etc::SourceParts, Dir::State::Lists and Dir::Cache pointing there.
//
// Packages are fetched by name with `apt-get download` into a cache, unpacked
// with `dpkg-deb -x`, and every recording is converted by sox to 16 kHz mono
// 16-bit WAV in the plain layout <out>/<speaker>/<utt>.wav, with speakers.tsv
// (speaker, group, source, package, licence, identity, ...) and
// utterances.tsv. Identical recordings shipped twice (ktuberling's Serbian
// variants, shared hedgewars files) are kept once. The build resumes: files
// already converted are kept.
//
// How speaker identity is known differs by source and is recorded per
// speaker in speakers.tsv (column identity); the group column keeps together
// speakers that may be the same person (the same language in ktuberling and
// klettres; all hedgewars packs), so a split never puts one person on both
// sides. Processed voices (hedgewars' Robot pack) are left out.
//
// The Debian packages asterisk-core-sounds-*, asterisk-prompt-*,
// fillets-ng-data* and tuxpaint-stamps-* are reserved for independent
// evaluation; Build refuses them.
//
// References: Kaldi egs/voxceleb/v2 (data preparation per speaker);
// sox(1) (rate conversion); deb(5), dpkg-deb(1).
package realvoice
