// Package audio decodes speech audio files to mono float32 samples and
// resamples them, for the voxsiam feature pipeline. It needs no cgo.
//
// Decode and Load pick the container by its magic bytes, never by the file
// name (TIMIT's SPHERE files are named .WAV): "RIFF"/"RIFX"/"RF64" is WAV,
// "fLaC" (optionally after an ID3v2 tag) is FLAC, "NIST_1A" is SPHERE.
// Channels are averaged to mono; integer samples of n bits are divided by
// 2^(n-1), as libsndfile does, so values agree with soundfile/librosa.
// Float WAV samples are passed through unscaled (they may exceed [-1, 1]);
// NaN or Inf samples are an error.
//
// # WAV
//
// A RIFF file is "RIFF", a little-endian uint32 size, "WAVE", then chunks of
// a 4-byte id, a uint32 size and a body padded to an even length [1]. The
// "fmt " chunk gives the format tag, channels, sample rate, block align (bytes
// per frame) and bits per sample; "data" holds interleaved frames. Real files
// carry other chunks (LIST, fact, bext, JUNK, cue) in any order, odd sizes and
// pad bytes, so this package parses RIFF itself rather than with go-audio/wav
// (v1.1.0 reads IEEE-float samples as integers, has no A-law/mu-law, RIFX or
// RF64, and trusts header sizes). Supported: PCM of 8 (unsigned), 16, 24 and 32 bits, IEEE float of
// 32 and 64 bits, G.711 A-law and mu-law, WAVE_FORMAT_EXTENSIBLE (the
// sub-format GUID's first two bytes are the real tag) [2], big-endian RIFX,
// and RF64 (the ds64 chunk holds the 64-bit data size) [3]. A data size of
// 0xFFFFFFFF (left by streaming writers) means "to the end of the file".
//
// # FLAC
//
// Decoded with github.com/mewkiz/flac [4]: STREAMINFO gives rate, channels
// and bits per sample; frames are decoded one by one.
//
// # NIST SPHERE
//
// A SPHERE file [5] starts with "NIST_1A\n", the header size in bytes as
// ASCII (1024 for TIMIT) and "name -type value" lines (-i integer, -r real,
// -sN string of N bytes) up to "end_head"; samples follow the header. Fields
// used: sample_rate, channel_count, sample_n_bytes, sample_count (frames per
// channel), sample_byte_format ("01" little-endian, "10" big-endian, "1" one
// byte) and sample_coding ("pcm" by default, "ulaw", "alaw"). Files whose
// coding is "pcm,embedded-shorten-v2.00" (shorten-compressed, as in some
// TIMIT and WSJ distributions) are rejected with a hint to convert them with
// sph2pipe or sox first.
//
// # Robustness
//
// Every size read from a header is checked against the input's length
// before anything is allocated, so hostile headers cannot make the decoders
// allocate more than the file could hold (FLAC frames are bounded by the
// format to 65535 samples each). Defects of the input (truncation, bad or
// unsupported headers, zero samples, non-finite values) return errors that
// wrap errs.ErrBadData and name the file and the defect. FuzzDecodeWAV,
// FuzzDecodeSPHERE and FuzzDecodeFLAC check that no input panics.
//
// # Resampling
//
// Resample is a rational-ratio polyphase FIR resampler with the filter of
// scipy.signal.resample_poly [6]: a Kaiser-windowed sinc (beta 5, 20*max(up,
// down)+1 taps) whose cutoff is the lower Nyquist frequency, so it
// anti-aliases when downsampling and interpolates when upsampling; outputs
// match scipy to float32 rounding.
//
// References:
//
//  1. Microsoft, "Multimedia Programming Interface and Data Specifications
//     1.0" (RIFF, WAVE), 1991.
//  2. Microsoft, "Multiple Channel Audio Data and WAVE Files"
//     (WAVE_FORMAT_EXTENSIBLE), 2007.
//  3. EBU Tech 3306, "MBWF / RF64: An extended File Format for Audio", 2009.
//  4. Free Lossless Audio Codec format specification, xiph.org; the
//     github.com/mewkiz/flac package.
//  5. NIST, "SPHERE: SPeech HEader REsources" (sphere 2.6 documentation);
//     Garofolo et al., "TIMIT Acoustic-Phonetic Continuous Speech Corpus",
//     LDC93S1, 1993.
//  6. P. P. Vaidyanathan, "Multirate Systems and Filter Banks", 1993;
//     scipy.signal.resample_poly and scipy.signal.firwin documentation.
package audio
