package store

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The benchmark store: 100 runs of one site with 10,000 devices each, where
// every run loses 50 devices, gains 50 and re-flashes 100, as a large estate might.
const benchDevices, benchRuns = 10_000, 100

var (
	benchOnce sync.Once
	benchLoc  string
	benchIDs  []int64
	benchErr  error
)

func benchStore(b *testing.B) (Store, []int64) {
	benchOnce.Do(func() {
		// CAMSWEEP_BENCH_STORE runs the benchmarks on another store, e.g. an
		// empty PostgreSQL database; by default a new SQLite file.
		benchLoc = os.Getenv("CAMSWEEP_BENCH_STORE")
		if benchLoc == "" {
			dir, err := os.MkdirTemp("", "camsweep-bench-")
			if err != nil {
				benchErr = err
				return
			}
			benchLoc = filepath.Join(dir, "audit.db")
		}
		benchIDs, benchErr = fillBenchStore(b, benchLoc)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	s, err := Open(context.Background(), benchLoc)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, benchIDs
}

func fillBenchStore(b *testing.B, loc string) ([]int64, error) {
	s, err := Open(context.Background(), loc)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	t0 := time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)
	var ids []int64
	for r := range benchRuns {
		devs := manyDevices(benchDevices, r*50)
		for i := 0; i < 100; i++ {
			devs[(i*97+r)%len(devs)].Firmware = "V5.5.0 build 170725"
		}
		sum, err := s.Save(context.Background(), Run{Site: "hq", Result: result(b, devs, t0.Add(time.Duration(r)*24*time.Hour))})
		if err != nil {
			return nil, err
		}
		ids = append(ids, sum.ID)
	}
	return ids, nil
}

func BenchmarkHistory(b *testing.B) {
	s, _ := benchStore(b)
	b.ResetTimer()
	for b.Loop() {
		h, err := s.History(context.Background(), "hq", 0)
		if err != nil || len(h) != benchRuns {
			b.Fatalf("%d runs, %v", len(h), err)
		}
	}
}

func BenchmarkDiff(b *testing.B) {
	s, ids := benchStore(b)
	b.ResetTimer()
	for b.Loop() {
		d, err := s.Diff(context.Background(), ids[len(ids)-2], ids[len(ids)-1])
		if err != nil || len(d.New) != 50 || len(d.Gone) != 50 {
			b.Fatalf("diff: %d new %d gone, %v", len(d.New), len(d.Gone), err)
		}
	}
}

func BenchmarkDiffFirstLast(b *testing.B) {
	s, ids := benchStore(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Diff(context.Background(), ids[0], ids[len(ids)-1]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSave10k(b *testing.B) {
	loc := filepath.Join(b.TempDir(), "audit.db")
	s, err := Open(context.Background(), loc)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	res := result(b, manyDevices(benchDevices, 0), time.Now())
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Save(context.Background(), Run{Site: "hq", Result: res}); err != nil {
			b.Fatal(err)
		}
	}
}
