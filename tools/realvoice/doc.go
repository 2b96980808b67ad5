// Package realvoice assembles a corpus of real recorded human speech with
// speaker labels from Debian packages that ship voice recordings: KDE's
// ktuberling-data (words, one recording person per language) and
// klettres-data (letters and syllables per language), gcin-voice (Mandarin
// syllables by two credited speakers), hedgewars-data (game voice packs) and
// 0ad-data (unit voices per civilisation language and gender).
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
