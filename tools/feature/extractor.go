package feature

// Extractor computes log-mel or Kaldi fbank features of 16 kHz (Config.
// SampleRate) mono samples. It holds FFT plans and scratch buffers, so one
// Extractor must not be used by two goroutines at once; Clone is cheap (it
// shares the read-only window and filterbank) and gives each worker its own.
type Extractor struct {
	cfg   Config
	win   []float64   // analysis window, NFFT long (logmel) or WinLength long (fbank)
	bank  *filterbank // mel filterbank on the power spectrum
	fft   *powerFFT
	frame []float64 // NFFT samples of the current frame
	power []float64 // NFFT/2+1 power spectrum, zero slack for the filterbank kernel
	mel   []float64 // NMels mel powers of the current frame (filterbank.melBuffer)
}

// NewExtractor validates cfg (after filling defaults) and precomputes the
// window and the mel filterbank.
func NewExtractor(cfg Config) (*Extractor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := cfg.WithDefaults()
	e := &Extractor{cfg: c}
	switch c.Kind {
	case KindLogMel:
		e.win = make([]float64, c.NFFT)
		copy(e.win[(c.NFFT-c.WinLength)/2:], window(c.Window, c.WinLength))
		e.bank = newFilterbank(slaneyFilters(c.SampleRate, c.NFFT, c.NMels, c.FMin, c.FMax))
	case KindFbank:
		e.win = window(c.Window, c.WinLength)
		e.bank = newFilterbank(kaldiFilters(c.SampleRate, c.NFFT, c.NMels, c.FMin, c.FMax))
	}
	e.alloc()
	return e, nil
}

func (e *Extractor) alloc() {
	n := e.cfg.NFFT
	if e.fft == nil {
		e.fft = newPowerFFT(n)
	} else {
		e.fft = e.fft.clone()
	}
	e.frame = make([]float64, n)
	e.power = e.bank.powerBuffer(n/2 + 1)
	e.mel = e.bank.melBuffer()
}

// Clone returns an Extractor with the same configuration and its own
// scratch buffers, for use in another goroutine.
func (e *Extractor) Clone() *Extractor {
	c := &Extractor{cfg: e.cfg, win: e.win, bank: e.bank, fft: e.fft}
	c.alloc()
	return c
}

// Config returns the configuration with the kind's defaults filled in.
func (e *Extractor) Config() Config { return e.cfg }

// NMels is the feature dimension.
func (e *Extractor) NMels() int { return e.cfg.NMels }

// NumFrames is the number of frames Compute returns for n samples (before
// VAD trimming): 0 for no samples, else 1 + n/Hop with Center (librosa),
// else 1 + (n-W)/Hop for n >= W and 0 below, with W = NFFT (logmel) or
// WinLength (fbank, Kaldi snip_edges).
func (e *Extractor) NumFrames(n int) int {
	c := &e.cfg
	if n == 0 {
		return 0
	}
	if c.Center {
		n += 2 * (c.NFFT / 2)
	}
	w := c.NFFT
	if c.Kind == KindFbank {
		w = c.WinLength
	}
	if n < w {
		return 0
	}
	return 1 + (n-w)/c.Hop
}

// Compute featurises samples (mono, [-1, 1], Config.SampleRate Hz) into dst
// (reused when its capacity suffices) and returns the features, row-major
// [nFrames, NMels] float32, frame t centred at sample t*Hop (logmel with
// Center) or starting there (otherwise), and nFrames. With Config.VAD the
// leading and trailing silence is trimmed first.
func (e *Extractor) Compute(dst, samples []float32) ([]float32, int) {
	if e.cfg.VAD {
		samples = TrimSilence(samples, e.cfg.NFFT, e.cfg.Hop, e.cfg.VADThresholdDB)
	}
	n := e.NumFrames(len(samples))
	nm := e.cfg.NMels
	if cap(dst) < n*nm {
		dst = make([]float32, n*nm)
	}
	dst = dst[:n*nm]
	for t := 0; t < n; t++ {
		row := dst[t*nm : (t+1)*nm]
		if e.cfg.Kind == KindFbank {
			e.fbankFrame(row, samples, t*e.cfg.Hop)
		} else {
			e.logMelFrame(row, samples, t)
		}
	}
	return dst, n
}

// logMelFrame computes log10(1 + 10000 * mel power) of frame t.
func (e *Extractor) logMelFrame(row, x []float32, t int) {
	c := &e.cfg
	start := t * c.Hop
	if c.Center {
		start -= c.NFFT / 2
	}
	if start >= 0 && start+c.NFFT <= len(x) {
		e.fft.powerWindowed(e.power, x[start:start+c.NFFT], e.win, e.frame)
	} else {
		reflect := c.PadMode == "reflect"
		for i, w := range e.win {
			e.frame[i] = padded(x, start+i, reflect) * w
		}
		e.powerSpectrum()
	}
	e.bank.logMel(row, e.mel, e.power)
}

// powerSpectrum sets power[k] = |FFT(frame)[k]|^2 for k = 0..NFFT/2.
func (e *Extractor) powerSpectrum() {
	e.fft.power(e.power, e.frame)
}

// padded returns x[i], or for i outside x the value of numpy.pad mode
// "reflect" (mirror without repeating the edge) or "constant" (zero).
func padded(x []float32, i int, reflect bool) float64 {
	n := len(x)
	if i >= 0 && i < n {
		return float64(x[i])
	}
	if !reflect || n < 2 {
		if reflect && n == 1 {
			return float64(x[0])
		}
		return 0
	}
	p := 2 * (n - 1)
	i %= p
	if i < 0 {
		i += p
	}
	if i >= n {
		i = p - i
	}
	return float64(x[i])
}
