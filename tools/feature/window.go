package feature

import "math"

func windowKnown(name string) bool {
	switch name {
	case "hann", "povey", "hamming", "hanning":
		return true
	}
	return false
}

// window returns n coefficients of the named window. "hann" is the periodic
// Hann window of scipy.signal.get_window('hann', n) that librosa uses:
// 0.5 - 0.5 cos(2 pi i / n). "povey", "hamming" and "hanning" are Kaldi's
// symmetric windows (feature-window.cc) with a = 2 pi / (n - 1):
// (0.5 - 0.5 cos(a i))^0.85, 0.54 - 0.46 cos(a i), 0.5 - 0.5 cos(a i).
func window(name string, n int) []float64 {
	w := make([]float64, n)
	a := 2 * math.Pi / float64(n-1)
	if n == 1 {
		a = 0
	}
	for i := range w {
		x := float64(i)
		switch name {
		case "hann":
			w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*x/float64(n))
		case "povey":
			w[i] = math.Pow(0.5-0.5*math.Cos(a*x), 0.85)
		case "hamming":
			w[i] = 0.54 - 0.46*math.Cos(a*x)
		case "hanning":
			w[i] = 0.5 - 0.5*math.Cos(a*x)
		default:
			panic("feature: unknown window " + name)
		}
	}
	return w
}
