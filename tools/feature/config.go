package feature

import (
	"fmt"
	"strings"
)

// Feature kinds.
const (
	KindLogMel = "logmel" // log10(1 + 10000*mel power), librosa/ZHAW reference
	KindFbank  = "fbank"  // Kaldi compute-fbank-feats: log mel energies, HTK mel scale
)

// Partial-segment policies for Segments.
const (
	PartialDrop        = "drop"         // keep only whole segments
	PartialPad         = "pad"          // zero-pad the last partial segment
	PartialOverlapLast = "overlap-last" // add a whole segment ending at the last frame
)

// DefaultSegment is the reference segment length in frames (400 ms at the
// 10 ms hop, Stadelmann et al. 2018): Config.Segment's default, and through
// internal/spec.DefaultSegment the network's Frames, train.segment and
// embed's fallback for models that do not say.
const DefaultSegment = 40

// Config describes a feature extractor. It is stored as features.json in a
// feature store and as [data.features] in a run's config.toml. Zero values
// of WinLength, FMax, Window and Partial mean "the kind's default".
type Config struct {
	// SampleRate of the input samples in Hz; audio at other rates must be
	// resampled first (audio.LoadAt). Default 16000.
	SampleRate int `json:"sample_rate" toml:"sample_rate"`
	// NFFT is the FFT size in samples. Default 1024 (logmel); fbank uses 512,
	// the power of two >= WinLength, as Kaldi's round_to_power_of_two.
	NFFT int `json:"n_fft" toml:"n_fft"`
	// WinLength is the analysis window length in samples, <= NFFT; the window
	// is centred in the FFT frame as in librosa. 0 means NFFT (logmel);
	// fbank default 400 (25 ms).
	WinLength int `json:"win_length" toml:"win_length"`
	// Hop is the frame shift in samples. Default 160 (10 ms at 16 kHz).
	Hop int `json:"hop" toml:"hop"`
	// NMels is the number of mel bands, the feature dimension. Default 128.
	NMels int `json:"n_mels" toml:"n_mels"`
	// FMin and FMax bound the mel filterbank in Hz. Defaults 0 and
	// SampleRate/2 (logmel), 20 and SampleRate/2 (fbank, Kaldi's low_freq
	// and high_freq). 0 for FMax means SampleRate/2.
	FMin float64 `json:"fmin" toml:"fmin"`
	FMax float64 `json:"fmax" toml:"fmax"`
	// Center pads the signal by NFFT/2 on both sides so frame t is centred
	// at sample t*Hop (librosa center=True). Default true; fbank requires
	// false (Kaldi snip_edges=true framing).
	Center bool `json:"center" toml:"center"`
	// PadMode is how Center pads: "reflect" (librosa < 0.10, which the
	// reference code used; default) or "constant" (zeros, librosa >= 0.10).
	PadMode string `json:"pad_mode" toml:"pad_mode"`
	// Kind is KindLogMel (default) or KindFbank.
	Kind string `json:"kind" toml:"kind"`
	// Window is "hann" (periodic, logmel default), "povey" (fbank default),
	// "hamming" or "hanning" (symmetric, Kaldi's).
	Window string `json:"window" toml:"window"`
	// PreEmphasis coefficient for fbank (Kaldi preemphasis_coefficient),
	// default 0.97; logmel ignores it.
	PreEmphasis float64 `json:"preemphasis" toml:"preemphasis"`
	// Segment is the number of frames per network input segment. Default 40.
	Segment int `json:"segment" toml:"segment"`
	// Partial is the policy for the final partial segment when embedding:
	// PartialOverlapLast (default), PartialPad or PartialDrop; see Segments.
	Partial string `json:"partial" toml:"partial"`
	// VAD trims leading and trailing silence before featurising (off by
	// default); see TrimSilence.
	VAD bool `json:"vad" toml:"vad"`
	// VADThresholdDB: frames more than this many dB below the loudest frame
	// are silence (librosa.effects.trim top_db). Default 60.
	VADThresholdDB float64 `json:"vad_threshold_db" toml:"vad_threshold_db"`
}

// DefaultConfig is the reference feature set: 16 kHz, n_fft 1024, hop 160,
// Hann window, 128 Slaney mel bands, centred frames, log10(1 + 10000*x),
// 40-frame segments.
func DefaultConfig() Config {
	return Config{
		SampleRate: 16000, NFFT: 1024, Hop: 160, NMels: 128, Center: true,
		PadMode: "reflect", Kind: KindLogMel, Window: "hann", Segment: DefaultSegment,
		Partial: PartialOverlapLast, VADThresholdDB: 60,
	}
}

// FbankConfig is Kaldi's compute-fbank-feats defaults (25 ms povey window,
// 10 ms shift, pre-emphasis 0.97, DC removal, dither off, low_freq 20) with
// 128 bands so the features fit the default network input.
func FbankConfig() Config {
	c := DefaultConfig()
	c.Kind, c.NFFT, c.WinLength, c.Center, c.PadMode = KindFbank, 512, 400, false, ""
	c.Window, c.FMin, c.PreEmphasis = "povey", 20, 0.97
	return c
}

// WithDefaults returns c with the kind-dependent zero values filled in
// (win_length = n_fft, fmax = sample_rate/2, window, partial, pad_mode):
// the fully explicit form to store as features.json.
func (c Config) WithDefaults() Config {
	if c.Kind == "" {
		c.Kind = KindLogMel
	}
	if c.WinLength == 0 {
		c.WinLength = c.NFFT
	}
	if c.FMax == 0 {
		c.FMax = float64(c.SampleRate) / 2
	}
	if c.Window == "" {
		c.Window = map[string]string{KindLogMel: "hann", KindFbank: "povey"}[c.Kind]
	}
	if c.Partial == "" {
		c.Partial = PartialOverlapLast
	}
	if c.PadMode == "" && c.Center {
		c.PadMode = "reflect"
	}
	return c
}

// Validate reports the first invalid field, after filling defaults.
func (c Config) Validate() error {
	c = c.WithDefaults()
	var bad []string
	check := func(ok bool, format string, a ...any) {
		if !ok {
			bad = append(bad, fmt.Sprintf(format, a...))
		}
	}
	check(c.SampleRate > 0, "sample_rate %d must be > 0", c.SampleRate)
	check(c.NFFT >= 2, "n_fft %d must be >= 2", c.NFFT)
	check(c.WinLength > 0 && c.WinLength <= c.NFFT, "win_length %d must be in 1..n_fft (%d)", c.WinLength, c.NFFT)
	check(c.Hop > 0, "hop %d must be > 0", c.Hop)
	check(c.NMels > 0, "n_mels %d must be > 0", c.NMels)
	check(c.FMin >= 0 && c.FMin < c.FMax && c.FMax <= float64(c.SampleRate)/2, "need 0 <= fmin (%g) < fmax (%g) <= sample_rate/2", c.FMin, c.FMax)
	check(c.Kind == KindLogMel || c.Kind == KindFbank, "kind %q must be %q or %q", c.Kind, KindLogMel, KindFbank)
	check(!c.Center || c.PadMode == "reflect" || c.PadMode == "constant", "pad_mode %q must be reflect or constant", c.PadMode)
	check(!(c.Center && c.Kind == KindFbank), "fbank frames are Kaldi snip_edges framing: center must be false")
	check(windowKnown(c.Window), "window %q must be hann, povey, hamming or hanning", c.Window)
	check(c.PreEmphasis >= 0 && c.PreEmphasis <= 1, "preemphasis %g must be in [0, 1]", c.PreEmphasis)
	check(c.Segment > 0, "segment %d must be > 0", c.Segment)
	check(c.Partial == PartialDrop || c.Partial == PartialPad || c.Partial == PartialOverlapLast, "partial %q must be drop, pad or overlap-last", c.Partial)
	check(!c.VAD || c.VADThresholdDB > 0, "vad_threshold_db %g must be > 0", c.VADThresholdDB)
	if len(bad) > 0 {
		return fmt.Errorf("feature: invalid config: %s", strings.Join(bad, "; "))
	}
	return nil
}
