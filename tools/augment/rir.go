package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SoundSpeed is the speed of sound in m/s (air at 20 °C).
const SoundSpeed = 343.0

// Room is a shoebox room with one source and one microphone, for the image
// method of Allen and Berkley (1979). All walls reflect alike.
type Room struct {
	Size   [3]float64 // length, width, height in m
	Source [3]float64 // source position in m, inside the room
	Mic    [3]float64 // microphone position in m, inside the room
	RT60   float64    // reverberation time in s (60 dB energy decay)
	Length int        // impulse response length in samples; 0 = RT60·Rate
}

// EyringBeta is the pressure reflection coefficient of every wall that
// gives the room's RT60 by Eyring's formula, the decay of a diffuse field:
// with c·S/(4V) reflections a second (mean free path 4V/S) and energy
// factor β² per reflection, 60 dB take RT60 = 24·ln(10)·V / (c·S·(−ln β²)),
// so β = exp(−12·ln(10)·V / (c·S·RT60)). An image-method response is not
// diffuse (its late part is ruled by the axial images, which reflect least
// per metre travelled), and decays 1.4-1.8 times slower than this predicts;
// RIR therefore uses Beta.
func (rm Room) EyringBeta() float64 {
	x, y, z := rm.Size[0], rm.Size[1], rm.Size[2]
	v, s := x*y*z, 2*(x*y+x*z+y*z)
	return math.Exp(-12 * math.Ln10 * v / (SoundSpeed * s * rm.RT60))
}

// Validate reports a room whose source or microphone is not strictly inside
// it, or whose RT60 is not in (0, 5] s.
func (rm Room) Validate() error {
	for i, l := range rm.Size {
		if !(l > 0) || !(rm.Source[i] > 0 && rm.Source[i] < l) || !(rm.Mic[i] > 0 && rm.Mic[i] < l) {
			return fmt.Errorf("augment: room %v: source %v and mic %v must lie inside", rm.Size, rm.Source, rm.Mic)
		}
	}
	if !(rm.RT60 > 0 && rm.RT60 <= 5) {
		return fmt.Errorf("augment: room RT60 %g s: want (0, 5]", rm.RT60)
	}
	return nil
}

// rirHighPass is the corner in Hz of the high-pass RIR applies, as Allen
// and Berkley do (their section III): every image adds a positive pulse,
// and late in the response, where images arrive many per sample, the pulses
// pile up to a slowly varying offset that no real room has; it would also
// make the energy decay coherent, not the incoherent sum the RT60 fit of
// Beta assumes. Here a 2nd-order Butterworth section.
const rirHighPass = 100

// sincHalf is the half-width in samples of the Hann-windowed sinc that
// places each image at its fractional delay (Peterson 1986, as Habets'
// rir_generator does with a 4 ms window: 64 samples at 16 kHz).
const sincHalf = 32

// RIR returns the room impulse response at Rate Hz by the image method: for
// every image source (lattice indices n, mirror flags q per axis, Allen and
// Berkley eq. 10-12) within Length samples of travel, an impulse of
// amplitude β^(reflections)/(4π·d) at delay d/c, d the image-microphone
// distance, spread by a windowed sinc so delays need not be whole samples.
// Sample 0 is the time of emission: the direct path arrives at
// |source-mic|/c·Rate samples. The response is high-passed at 100 Hz.
func (rm Room) RIR() ([]float32, error) {
	if err := rm.Validate(); err != nil {
		return nil, err
	}
	n := rm.Length
	if n <= 0 {
		n = int(math.Ceil(rm.RT60 * Rate))
	}
	h := make([]float64, n+2*sincHalf)
	beta := rm.Beta(n)
	dmax := float64(n+sincHalf) / Rate * SoundSpeed
	pow := []float64{1} // pow[k] = β^k
	rm.images(dmax, func(d float64, refl int) {
		for len(pow) <= refl {
			pow = append(pow, pow[len(pow)-1]*beta)
		}
		amp := pow[refl] / (4 * math.Pi * math.Max(d, 1e-3))
		t := d / SoundSpeed * Rate
		k0 := int(math.Round(t))
		row := kernel[int(math.Round((t-float64(k0)+0.5)*kernelSteps))]
		for j, w := range row {
			if i := k0 + j; i < len(h) { // h[i] holds sample i - sincHalf
				h[i] += amp * w
			}
		}
	})
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(h[i+sincHalf])
	}
	return Filter(out, out, HighPass(Rate, rirHighPass, math.Sqrt2/2)), nil
}

// images calls fn with the distance to the microphone and the number of
// wall reflections of every image source within dmax m: the 8 mirror
// images (flags q) of every lattice cell m (Allen and Berkley eq. 10-12).
func (rm Room) images(dmax float64, fn func(d float64, refl int)) {
	var lim [3]int
	for i, l := range rm.Size {
		lim[i] = int(math.Ceil(dmax/(2*l))) + 1
	}
	var m [3]int
	for m[0] = -lim[0]; m[0] <= lim[0]; m[0]++ {
		for m[1] = -lim[1]; m[1] <= lim[1]; m[1]++ {
			for m[2] = -lim[2]; m[2] <= lim[2]; m[2]++ {
				for q := 0; q < 8; q++ {
					var d2 float64
					refl := 0
					for i := range 3 {
						qi := (q >> i) & 1
						p := float64(1-2*qi)*rm.Source[i] + 2*float64(m[i])*rm.Size[i] - rm.Mic[i]
						d2 += p * p
						refl += abs(m[i]-qi) + abs(m[i])
					}
					if d := math.Sqrt(d2); d <= dmax {
						fn(d, refl)
					}
				}
			}
		}
	}
}

// kernelSteps is the resolution of the fractional delays of kernel: a
// 1/256 sample, 0.24 µs at 16 kHz.
const kernelSteps = 256

// kernel[s][j] is hannSinc at j - sincHalf - f for the fractional delay
// f = s/kernelSteps - 0.5 of an image past its nearest sample.
var kernel = func() [][]float64 {
	win := hannSinc()
	k := make([][]float64, kernelSteps+1)
	for s := range k {
		f := float64(s)/kernelSteps - 0.5
		k[s] = make([]float64, 2*sincHalf+1)
		for j := range k[s] {
			k[s][j] = win(float64(j-sincHalf) - f)
		}
	}
	return k
}()

// hannSinc returns the interpolation kernel sinc(x)·hann(x) on |x| <= sincHalf.
func hannSinc() func(float64) float64 {
	return func(x float64) float64 {
		if math.Abs(x) > sincHalf {
			return 0
		}
		w := 0.5 * (1 + math.Cos(math.Pi*x/sincHalf))
		if x == 0 {
			return w
		}
		return w * math.Sin(math.Pi*x) / (math.Pi * x)
	}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// RoomConfig are the ranges RandomRoom draws from. The defaults span
// Kaldi's simulated small and medium rooms (RIRS_NOISES/simulated_rirs,
// Ko et al. 2017: rooms of 1-30 m side; here 3-12 m, 2.5-4.5 m high) and
// typical RT60s of offices and living rooms.
type RoomConfig struct {
	Length, Width, Height Range   // room sides in m; [3, 12], [3, 10], [2.5, 4.5]
	RT60                  Range   // s; [0.2, 0.8]
	WallGap               float64 // least distance of source and mic to any wall in m; 0.5
	MinDistance           float64 // least source-mic distance in m; 0.5
}

// DefaultRooms returns the default RoomConfig.
func DefaultRooms() RoomConfig {
	return RoomConfig{Length: Range{3, 12}, Width: Range{3, 10}, Height: Range{2.5, 4.5},
		RT60: Range{0.2, 0.8}, WallGap: 0.5, MinDistance: 0.5}
}

// RandomRoom draws a room, then source and microphone positions at least
// WallGap from the walls and MinDistance apart (redrawn until they are).
func RandomRoom(c RoomConfig, r *rand.Rand) Room {
	rm := Room{Size: [3]float64{c.Length.Draw(r), c.Width.Draw(r), c.Height.Draw(r)}, RT60: c.RT60.Draw(r)}
	for try := 0; ; try++ {
		for i, l := range rm.Size {
			in := Range{c.WallGap, l - c.WallGap}
			rm.Source[i], rm.Mic[i] = in.Draw(r), in.Draw(r)
		}
		if dist(rm.Source, rm.Mic) >= c.MinDistance || try == 100 {
			return rm
		}
	}
}

func dist(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}
