package store

import (
	"math"
	"sync"
	"unsafe"
)

// littleEndian is true on hosts whose float32 memory layout is the .npy
// '<f4' layout, so frames can be copied without decoding.
var littleEndian = func() bool { x := uint16(1); return *(*byte)(unsafe.Pointer(&x)) == 1 }()

// half2float is the table of f16to32 over all 65536 bit patterns (256 KiB),
// built on first use.
var half2float = sync.OnceValue(func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for i := range t {
		t[i] = f16to32(uint16(i))
	}
	return &t
})

// f32to16 converts v to IEEE 754 binary16 bits, rounding to nearest even;
// overflow gives ±Inf, NaN stays NaN.
func f32to16(v float32) uint16 {
	b := math.Float32bits(v)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	man := b & 0x7fffff
	switch {
	case exp == 0xff: // Inf or NaN
		if man != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp-127 > 15: // overflow
		return sign | 0x7c00
	case exp-127 >= -14: // normal half
		h := uint32(exp-127+15)<<10 | man>>13
		return sign | uint16(roundEven(h, man&0x1fff, 0x1000))
	case exp-127 >= -25: // subnormal half
		man |= 0x800000
		shift := uint32(-14-(exp-127)) + 13
		h := man >> shift
		rest := man & (1<<shift - 1)
		return sign | uint16(roundEven(h, rest, 1<<(shift-1)))
	}
	return sign // underflow to ±0
}

// roundEven rounds h up when the dropped bits rest exceed half, or equal
// half and h is odd. A carry into the exponent is the correct result.
func roundEven(h, rest, half uint32) uint32 {
	if rest > half || (rest == half && h&1 == 1) {
		h++
	}
	return h
}

// f16to32 converts binary16 bits to float32 (exact).
func f16to32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+112)<<23 | man<<13)
	case man == 0:
		return math.Float32frombits(sign)
	}
	// subnormal: value = man * 2^-24
	v := float32(man) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}
