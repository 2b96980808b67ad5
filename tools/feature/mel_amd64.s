//go:build amd64 && !purego

#include "textflag.h"

// AVX2+FMA kernels of the mel filterbank and the log compression
// (melbank.go, log.go), 4 float64 lanes; declared in simd_amd64.go.

DATA logc<>+0(SB)/8, $10000.0
DATA logc<>+8(SB)/8, $1.0
DATA logc<>+16(SB)/8, $0x3FE6A09E667F3BCD  // bits of sqrt(1/2)
DATA logc<>+24(SB)/8, $0x4330000000000000  // bits of 2^52
DATA logc<>+32(SB)/8, $4503599627370496.0  // 2^52
DATA logc<>+40(SB)/8, $0.09090909090909091 // 1/11
DATA logc<>+48(SB)/8, $0.1111111111111111  // 1/9
DATA logc<>+56(SB)/8, $0.14285714285714285 // 1/7
DATA logc<>+64(SB)/8, $0.2                 // 1/5
DATA logc<>+72(SB)/8, $0.3333333333333333  // 1/3
DATA logc<>+80(SB)/8, $0.30102999566398120 // log10(2)
DATA logc<>+88(SB)/8, $0.86858896380650365 // 2/ln(10)
GLOBL logc<>(SB), RODATA|NOPTR, $96

#define LOGCONST \
	VBROADCASTSD logc<>+0(SB), Y15; \
	VBROADCASTSD logc<>+8(SB), Y14; \
	VBROADCASTSD logc<>+16(SB), Y13; \
	VBROADCASTSD logc<>+24(SB), Y12; \
	VBROADCASTSD logc<>+32(SB), Y11; \
	VBROADCASTSD logc<>+40(SB), Y10; \
	VBROADCASTSD logc<>+48(SB), Y9; \
	VBROADCASTSD logc<>+56(SB), Y8

// LOG10C: X5 = float32(log10(1 + 10000 Y0)) per lane, with the
// constants of LOGCONST in Y8..Y15; clobbers Y1..Y6.
#define LOG10C \
	VMOVAPD Y14, Y1; \
	VFMADD231PD Y0, Y15, Y1; \
	VPSUBQ  Y13, Y1, Y2; \
	VPSRLQ  $52, Y2, Y2; \
	VPSLLQ  $52, Y2, Y3; \
	VPSUBQ  Y3, Y1, Y1; \
	VPOR    Y12, Y2, Y2; \
	VSUBPD  Y11, Y2, Y2; \
	VSUBPD  Y14, Y1, Y3; \
	VADDPD  Y14, Y1, Y4; \
	VDIVPD  Y4, Y3, Y3; \
	VMULPD  Y3, Y3, Y4; \
	VMOVAPD Y10, Y5; \
	VFMADD213PD Y9, Y4, Y5; \
	VFMADD213PD Y8, Y4, Y5; \
	VBROADCASTSD logc<>+64(SB), Y6; \
	VFMADD213PD Y6, Y4, Y5; \
	VBROADCASTSD logc<>+72(SB), Y6; \
	VFMADD213PD Y6, Y4, Y5; \
	VFMADD213PD Y14, Y4, Y5; \
	VMULPD  Y3, Y5, Y5; \
	VBROADCASTSD logc<>+88(SB), Y6; \
	VMULPD  Y6, Y5, Y5; \
	VBROADCASTSD logc<>+80(SB), Y6; \
	VFMADD231PD Y2, Y6, Y5; \
	VCVTPD2PSY Y5, X5

// func logCompressAVX(dst *float32, src *float64, q int)
// y = 1 + 10000 x = 2^e m with m in [sqrt(1/2), sqrt(2)) (integer split of
// the bits, y >= 1 so e >= 0), s = (m-1)/(m+1), |s| < 0.172,
// ln m = 2 s (1 + s^2/3 + ... + s^10/11) (truncation < 2e-11), and
// log10 y = e log10(2) + (2/ln 10) s (...).
TEXT ·logCompressAVX(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ q+16(FP), CX
	LOGCONST

logloop:
	VMOVUPD (SI), Y0
	LOG10C
	VMOVUPS X5, (DI)
	ADDQ $32, SI
	ADDQ $16, DI
	DECQ CX
	JNZ  logloop
	VZEROUPPER
	RET

// func melAVX(dst, power *float64, w []float64, meta *int64, nBlocks int)
// Per block: 4 accumulators (one per bin of a 4-bin group, so the FMA
// chains are independent), each lane one of the block's 4 filters.
TEXT ·melAVX(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ power+8(FP), SI
	MOVQ w_base+16(FP), R10
	MOVQ meta+40(FP), R11
	MOVQ nBlocks+48(FP), CX

mbloop:
	MOVQ 0(R11), AX          // start bin
	MOVQ 8(R11), BX          // groups of 4 bins
	LEAQ (SI)(AX*8), DX      // &power[start]
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	TESTQ BX, BX
	JZ   mbsum

mbdot:
	VBROADCASTSD 0(DX), Y4
	VFMADD231PD 0(R10), Y4, Y0
	VBROADCASTSD 8(DX), Y5
	VFMADD231PD 32(R10), Y5, Y1
	VBROADCASTSD 16(DX), Y6
	VFMADD231PD 64(R10), Y6, Y2
	VBROADCASTSD 24(DX), Y7
	VFMADD231PD 96(R10), Y7, Y3
	ADDQ $32, DX
	ADDQ $128, R10
	DECQ BX
	JNZ  mbdot

mbsum:
	VADDPD  Y1, Y0, Y0
	VADDPD  Y3, Y2, Y2
	VADDPD  Y2, Y0, Y0
	VMOVUPD Y0, (DI)
	ADDQ $32, DI
	ADDQ $16, R11
	DECQ CX
	JNZ  mbloop
	VZEROUPPER
	RET

// func melLogAVX(dst *float32, power *float64, w []float64, meta *int64, nBlocks int)
// melAVX followed by LOG10C on each block's 4 sums: dst[4b+i] =
// float32(log10(1 + 10000 mel[4b+i])).
TEXT ·melLogAVX(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ power+8(FP), SI
	MOVQ w_base+16(FP), R10
	MOVQ meta+40(FP), R11
	MOVQ nBlocks+48(FP), CX
	LOGCONST

mlloop:
	MOVQ 0(R11), AX
	MOVQ 8(R11), BX
	LEAQ (SI)(AX*8), DX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	TESTQ BX, BX
	JZ   mlsum

mldot:
	VBROADCASTSD 0(DX), Y4
	VFMADD231PD 0(R10), Y4, Y0
	VBROADCASTSD 8(DX), Y5
	VFMADD231PD 32(R10), Y5, Y1
	VBROADCASTSD 16(DX), Y6
	VFMADD231PD 64(R10), Y6, Y2
	VBROADCASTSD 24(DX), Y7
	VFMADD231PD 96(R10), Y7, Y3
	ADDQ $32, DX
	ADDQ $128, R10
	DECQ BX
	JNZ  mldot

mlsum:
	VADDPD  Y1, Y0, Y0
	VADDPD  Y3, Y2, Y2
	VADDPD  Y2, Y0, Y0
	LOG10C
	VMOVUPS X5, (DI)
	ADDQ $16, DI
	ADDQ $16, R11
	DECQ CX
	JNZ  mlloop
	VZEROUPPER
	RET
