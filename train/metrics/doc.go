// Package metrics reads and writes a run's metrics.jsonl (one JSON object per
// logged step: "step", "loss", "val_loss", "val_acc", "val_eer", "val_mr", ...)
// and draws its training curves as PNG files with gonum/plot.
//
// The log is append-only and fsync'd per row, so a killed run loses at most
// the row being written; Truncate cuts it back to a checkpoint's step when a
// run resumes, so the resumed log equals an uninterrupted one.
package metrics
