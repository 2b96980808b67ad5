package feature

import "math"

// logTableBits sets the mantissa table size of log10 (2^10 entries).
const logTableBits = 10

// logTable holds, for the mantissa cell c_k = 1 + (k+0.5)/2^10, ln c_k and
// 1/c_k; built once at init.
var logTable = func() (t [1 << logTableBits][2]float64) {
	for k := range t {
		c := 1 + (float64(k)+0.5)/(1<<logTableBits)
		t[k] = [2]float64{math.Log(c), 1 / c}
	}
	return t
}()

// log10 is a fast base-10 logarithm for the feature compression: with
// x = 2^e * m, m in [1, 2), and c the centre of m's table cell,
// ln x = e ln 2 + ln c + ln(1 + u), u = (m - c)/c, |u| < 2^-11, by the
// series u - u^2/2 + u^3/3 - u^4/4 (error < 2^-55/5, relative to ln x
// about 1e-16). No division; zero, negative, subnormal, infinite and NaN
// inputs fall back to math.Log10. math.Log10 took a quarter of the
// log-mel time; TestLog10 checks this against it.
func log10(x float64) float64 {
	b := math.Float64bits(x)
	e := int(b>>52&0x7ff) - 1023
	if e == -1023 || e == 1024 || b>>63 != 0 {
		return math.Log10(x)
	}
	k := b >> (52 - logTableBits) & (1<<logTableBits - 1)
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52) // [1, 2)
	cell := &logTable[k]
	c := 1 + (float64(k)+0.5)/(1<<logTableBits)
	u := (m - c) * cell[1]
	l := u * (1 - u*(0.5-u*(1.0/3-u*0.25)))
	return (float64(e)*math.Ln2 + cell[0] + l) * (1 / math.Ln10)
}

// logCompress sets dst[i] = float32(log10(1 + 10000 src[i])) for the mel
// powers src (finite, >= 0), four at a time with the AVX2 kernel when
// available.
func logCompress(dst []float32, src []float64) {
	dst = dst[:len(src)]
	i := 0
	if q := len(src) / 4; useAVX2 && q > 0 {
		logCompressAVX(&dst[0], &src[0], q)
		i = 4 * q
	}
	for ; i < len(src); i++ {
		dst[i] = float32(log10(1 + 10000*src[i]))
	}
}
