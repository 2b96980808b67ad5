package eval

// dotRows sets out[j] = u · v[j*dim:(j+1)*dim] for j < len(out), in float32:
// the inner kernel of Pdist32 and of the k-means assignment. u: [dim],
// v: [len(out), dim] row-major. With AVX2+FMA (dot_amd64.s) four rows go at
// a time, eight lanes wide; the summation order, and so the last bits,
// differ from the portable loop.
func dotRows(out, u, v []float32, dim int) {
	if len(u) != dim || len(v) < len(out)*dim {
		panic("eval: dotRows: length mismatch")
	}
	j := 0
	if main := dim &^ 7; useFMA && main > 0 {
		for ; j+4 <= len(out); j += 4 {
			dot4FMA(&u[0], &v[j*dim], dim, main, &out[j])
			if main < dim {
				for r := 0; r < 4; r++ {
					row := v[(j+r)*dim : (j+r+1)*dim]
					out[j+r] += dotGo(u[main:], row[main:])
				}
			}
		}
	}
	for ; j < len(out); j++ {
		out[j] = dotGo(u, v[j*dim:(j+1)*dim])
	}
}

// dotGo is the portable float32 dot product of equal-length a and b, with
// four partial sums.
func dotGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
