package feature

import "math"

// log10 is a fast base-10 logarithm for the feature compression, accurate
// to about 1e-12 relative (far below the float32 output's 6e-8): x = 2^e*m
// with m in [sqrt(1/2), sqrt 2), ln m = 2 atanh(s), s = (m-1)/(m+1),
// |s| <= 0.172, by its odd series to s^13. It falls back to math.Log10 for
// zero, negative, subnormal, infinite and NaN inputs. math.Log10 took a
// fifth of the log-mel time; TestLog10 checks this against it.
func log10(x float64) float64 {
	b := math.Float64bits(x)
	e := int(b>>52&0x7ff) - 1023
	if e == -1023 || e == 1024 || b>>63 != 0 {
		return math.Log10(x)
	}
	m := math.Float64frombits(b&^(0x7ff<<52) | 1023<<52) // [1, 2)
	if m > math.Sqrt2 {
		m *= 0.5
		e++
	}
	s := (m - 1) / (m + 1)
	s2 := s * s
	p := 1 + s2*(1.0/3+s2*(1.0/5+s2*(1.0/7+s2*(1.0/9+s2*(1.0/11+s2*(1.0/13))))))
	return (2*s*p + float64(e)*math.Ln2) * (1 / math.Ln10)
}
