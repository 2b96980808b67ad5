"""pyannote.metrics DER of a hypothesis RTTM against a reference (the recordings the
hypothesis holds), collars 0 and 0.5 s total (±0.25 s): the check of voxsiam's DER.
Usage: python pyannote_der.py REF.rttm HYP.rttm"""
import sys
from pyannote.core import Annotation, Segment
from pyannote.metrics.diarization import DiarizationErrorRate
def read(p):
    out = {}
    for l in open(p):
        f = l.split()
        if not f or f[0] != "SPEAKER": continue
        a = out.setdefault(f[1], Annotation(uri=f[1]))
        s = float(f[3]); a[Segment(s, s + float(f[4])), len(a)] = f[7]
    return out
ref, hyp = read(sys.argv[1]), read(sys.argv[2])
for collar in (0.0, 0.5):
    m = DiarizationErrorRate(collar=collar)
    for u in hyp: m(ref[u], hyp[u])
    print(f"pyannote DER {100*abs(m):.2f}% at collar {collar}")
