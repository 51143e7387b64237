package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
)

// opener gives each test a fresh, empty store location.
type opener func(t *testing.T) string

func TestSQLite(t *testing.T) {
	runSuite(t, func(t *testing.T) string { return filepath.Join(t.TempDir(), "audit.db") })
}

func TestSQLiteFileNotWorldReadable(t *testing.T) {
	loc := filepath.Join(t.TempDir(), "audit.db")
	open(t, loc)
	st, err := os.Stat(loc)
	if err != nil || st.Mode().Perm()&0o007 != 0 {
		t.Fatalf("store file mode %v, %v", st.Mode(), err)
	}
}

// TestSQLiteIsWAL: a store is in WAL mode (readers work during an audit's
// write) for every connection, though only Open switches it, once: the mode
// stays with the file.
func TestSQLiteIsWAL(t *testing.T) {
	loc := filepath.Join(t.TempDir(), "audit.db")
	open(t, loc)
	s := open(t, loc).(*sqlStore)
	ctx := context.Background()
	var conns []*sql.Conn // held at once: three connections of the pool
	for range 3 {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for _, c := range conns {
		var mode string
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("journal mode %q, %v; want wal", mode, err)
		}
	}
}

// TestPostgres runs the same suite against a real server: CAMSWEEP_TEST_POSTGRES
// (see scripts/ci-postgres.sh) names a database the test may create others from.
func TestPostgres(t *testing.T) {
	admin := os.Getenv("CAMSWEEP_TEST_POSTGRES")
	if admin == "" {
		if os.Getenv("CAMSWEEP_REQUIRE_POSTGRES") == "1" {
			t.Fatal("CAMSWEEP_REQUIRE_POSTGRES=1 but CAMSWEEP_TEST_POSTGRES is not set (run scripts/ci-postgres.sh)")
		}
		t.Skip("CAMSWEEP_TEST_POSTGRES not set; eval \"$(scripts/ci-postgres.sh)\" to run against a real server")
	}
	runSuite(t, func(t *testing.T) string { return freshPostgresDB(t, admin) })
}

// freshPostgresDB creates a database for one test and drops it afterwards.
func freshPostgresDB(t *testing.T, admin string) string {
	t.Helper()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	name := "camsweep_t_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() { db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func runSuite(t *testing.T, fresh opener) {
	t.Run("Migrations", func(t *testing.T) { testMigrations(t, fresh(t)) })
	t.Run("UpgradeFromV1", func(t *testing.T) { testUpgradeFromV1(t, fresh(t)) })
	t.Run("SaveAndRead", func(t *testing.T) { testSaveAndRead(t, fresh(t)) })
	t.Run("DiffLifecycle", func(t *testing.T) { testDiffLifecycle(t, fresh(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, fresh(t)) })
	t.Run("KillMidWrite", func(t *testing.T) { testKillMidWrite(t, fresh(t)) })
}

func open(t *testing.T, loc string) Store {
	t.Helper()
	s, err := Open(context.Background(), loc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sitePolicy puts the realdata LAN (10.10.10.0/24, IoT Sentinel captures) in a core zone.
const sitePolicy = `
profiles: [uk-nil-2022]
sites:
  - name: hq
    zones:
      - {name: hq-core, cidrs: [10.10.10.0/24], core: true}
      - {name: hq-office, cidrs: [10.20.0.0/16]}
exceptions:
  - {mac: "3c:ef:8c:18:a5:07", justification: "replacement ordered", owner: facilities, expires: 2099-01-01}
`

var prcBasis = []string{"prc-nil", "fcc-covered", "us-entity-list", "ndaa-889"}

func device(mac, ip, vendor, model, fw string, kind fingerprint.Kind, restricted bool) fingerprint.Device {
	d := fingerprint.Device{Vendor: vendor, Brand: vendor, Model: model, Firmware: fw, Kind: kind, Restricted: restricted}
	if mac != "" {
		d.MAC, _ = fingerprint.ParseMAC(mac)
	}
	if ip != "" {
		d.IPs = []netip.Addr{netip.MustParseAddr(ip)}
	}
	if restricted {
		d.Basis = prcBasis
	}
	d.Evidence = []fingerprint.Evidence{{Probe: "sadp", Key: "sadp.model", Value: model}}
	return d
}

// result runs the devices through the policy, as `camsweep audit` does.
func result(t testing.TB, devs []fingerprint.Device, at time.Time) *report.Result {
	t.Helper()
	p, err := policy.Parse("site.yaml", []byte(sitePolicy))
	if err != nil {
		t.Fatal(err)
	}
	r := report.New(report.Tool{Name: "camsweep", Version: "test"}, at, report.Source{Command: "audit"})
	fs := p.Apply(devs, at)
	r.Fill(devs, fs, p.Zones())
	return r
}

// baseline is the first audit: Hikvision and Dahua identities from the
// realdata fixtures, a D-Link camera and a serial-only Hikvision NVR.
func baseline() []fingerprint.Device {
	nvr := device("", "10.20.1.9", "Hikvision", "DS-7608NI-K2", "V4.22.005", fingerprint.KindNVR, true)
	nvr.Serial = "DS-7608NI-K20820190101CCWR123"
	return []fingerprint.Device{
		device("28:57:be:65:7d:d5", "10.10.10.40", "Hikvision", "DS-2CD2042WD-I", "V5.4.5 build 170124", fingerprint.KindCamera, true),
		device("4c:11:bf:c2:0b:9d", "10.10.10.41", "Dahua", "IPC-HDW5421S", "2.400.0.8", fingerprint.KindCamera, true),
		device("3c:ef:8c:18:a5:07", "10.20.1.7", "Dahua", "HCVR", "3.210.1.4", fingerprint.KindDVR, true),
		device("b0:c5:54:25:5b:0e", "10.10.10.37", "D-Link", "DCS-935L", "1.06", fingerprint.KindCamera, false),
		device("", "10.20.3.3", "Dahua", "IPC-HFW1230S", "", fingerprint.KindCamera, true),
		nvr,
	}
}

func testMigrations(t *testing.T, loc string) {
	s := open(t, loc)
	ctx := context.Background()
	if v, err := s.SchemaVersion(ctx); err != nil || v != LatestSchema {
		t.Fatalf("schema version %d, %v; want %d", v, err, LatestSchema)
	}
	s.Close()
	s2 := open(t, loc) // reopening applies nothing twice
	if v, err := s2.SchemaVersion(ctx); err != nil || v != LatestSchema {
		t.Fatalf("after reopen: %d, %v", v, err)
	}
	// A store written by a newer camsweep is refused, not misread.
	raw := s2.(*sqlStore)
	if _, err := raw.db.Exec(raw.q("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), LatestSchema+1, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, loc); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("newer schema: %v", err)
	}
}

// testUpgradeFromV1 builds a store at schema 1 with a run in it, as an older
// camsweep left it, and opens it with this one: the run survives the upgrade.
func testUpgradeFromV1(t *testing.T, loc string) {
	ctx := context.Background()
	var old *sqlStore
	var err error
	if IsPostgres(loc) {
		old, err = openPostgres(loc)
	} else {
		old, err = openSQLite(context.Background(), loc)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := old.migrateTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	blob, err := compressResult(result(t, baseline(), time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.db.Exec(old.q(`INSERT INTO runs (site, run_at, command, devices, restricted, findings,
		critical, high, medium, review, suppressed, result) VALUES (?, ?, 'audit', 6, 5, 4, 2, 0, 2, 0, 1, ?)`),
		"hq", time.Now().UnixNano(), blob); err != nil {
		t.Fatalf("v1 insert: %v", err)
	}
	old.Close()

	s := open(t, loc)
	if v, _ := s.SchemaVersion(ctx); v != LatestSchema {
		t.Fatalf("schema %d after upgrade, want %d", v, LatestSchema)
	}
	h, err := s.History(ctx, "hq", 0)
	if err != nil || len(h) != 1 || h[0].Partial || h[0].Critical != 2 {
		t.Fatalf("v1 run after upgrade: %+v %v", h, err)
	}
	if r, err := s.Result(ctx, h[0].ID); err != nil || len(r.Devices) != 6 {
		t.Fatalf("v1 result after upgrade: %v", err)
	}
}

func testSaveAndRead(t *testing.T, loc string) {
	s := open(t, loc)
	ctx := context.Background()
	at := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	sum, err := s.Save(ctx, Run{Site: "hq", Result: result(t, baseline(), at)})
	if err != nil {
		t.Fatal(err)
	}
	// Hikvision .40 and Dahua .41 in the core zone: critical; the HCVR is
	// suppressed by its exception; the IPC-HFW1230S and the NVR in hq-office: medium.
	want := RunSummary{ID: sum.ID, Site: "hq", Time: at, Command: "audit", Devices: 6, Restricted: 5,
		Findings: 4, Critical: 2, Medium: 2, Suppressed: 1}
	if sum != want {
		t.Fatalf("summary = %+v\nwant      %+v", sum, want)
	}
	got, err := s.Summary(ctx, sum.ID)
	if err != nil || got != want {
		t.Fatalf("stored summary = %+v, %v", got, err)
	}
	r, err := s.Result(ctx, sum.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Devices) != 6 || r.Devices[0].Zone != "hq-core" || r.Devices[0].Evidence[0].Value != "DS-2CD2042WD-I" || len(r.Findings) != 5 {
		t.Fatalf("result round trip lost data: %d devices, %d findings", len(r.Devices), len(r.Findings))
	}
	recs, err := s.Devices(ctx, sum.ID)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.Identity
	}
	wantIDs := []string{"mac:28:57:be:65:7d:d5", "mac:3c:ef:8c:18:a5:07", "mac:4c:11:bf:c2:0b:9d",
		"mac:b0:c5:54:25:5b:0e", "model:IPC-HFW1230S@10.20.3.3", "serial:DS-7608NI-K20820190101CCWR123"}
	if !slices.Equal(ids, wantIDs) {
		t.Fatalf("identities = %v\nwant %v", ids, wantIDs)
	}
	// MAC-less devices get their finding by address.
	sevs := []string{recs[0].Severity, recs[1].Severity, recs[3].Severity, recs[4].Severity, recs[5].Severity}
	if !slices.Equal(sevs, []string{"critical", "", "", "medium", "medium"}) {
		t.Errorf("severities: %q", sevs)
	}
	if _, err := s.Summary(ctx, sum.ID+100); err == nil {
		t.Error("missing run found")
	}
}

func testDiffLifecycle(t *testing.T, loc string) {
	s := open(t, loc)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	first, err := s.Save(ctx, Run{Site: "hq", Result: result(t, baseline(), t0)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(ctx, Run{Site: "depot", Result: result(t, baseline()[:1], t0.Add(time.Hour))}); err != nil {
		t.Fatal(err)
	}
	next := baseline()
	next[0].Firmware = "V5.5.0 build 170725"                      // Hikvision re-flashed
	next[1].IPs = []netip.Addr{netip.MustParseAddr("10.20.9.9")}  // Dahua re-addressed into the office zone
	next[5].IPs = []netip.Addr{netip.MustParseAddr("10.20.1.99")} // serial-only NVR moved by DHCP: same device
	next = slices.Delete(next, 3, 4)                              // D-Link camera removed
	next = append(next, device("44:19:b6:00:00:07", "10.10.10.77", "Hikvision", "DS-2CD2143G0-I", "V5.5.80", fingerprint.KindCamera, true))
	second, err := s.Save(ctx, Run{Site: "hq", Result: result(t, next, t0.Add(24*time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	prev, ok, err := s.Previous(ctx, "hq", second.ID)
	if err != nil || !ok || prev.ID != first.ID {
		t.Fatalf("previous of %d = %+v %v %v, want run %d (not the depot run)", second.ID, prev, ok, err, first.ID)
	}
	if _, ok, _ := s.Previous(ctx, "hq", first.ID); ok {
		t.Error("the first run has no previous run")
	}
	d, err := s.Diff(ctx, first.ID, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	if idsOf(d.New) != "mac:44:19:b6:00:00:07" || idsOf(d.Gone) != "mac:b0:c5:54:25:5b:0e" {
		t.Errorf("new %s, gone %s", idsOf(d.New), idsOf(d.Gone))
	}
	var changes []string
	for _, c := range d.Changed {
		for _, f := range c.Fields {
			changes = append(changes, fmt.Sprintf("%s %s: %s -> %s", c.After.Identity, f.Field, f.From, f.To))
		}
	}
	want := []string{
		"mac:28:57:be:65:7d:d5 firmware: V5.4.5 build 170124 -> V5.5.0 build 170725",
		"mac:4c:11:bf:c2:0b:9d ip: 10.10.10.41 -> 10.20.9.9",
		"mac:4c:11:bf:c2:0b:9d zone: hq-core -> hq-office",
		"mac:4c:11:bf:c2:0b:9d severity: critical -> medium",
		"serial:DS-7608NI-K20820190101CCWR123 ip: 10.20.1.9 -> 10.20.1.99",
	}
	if !slices.Equal(changes, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(changes, "\n"), strings.Join(want, "\n"))
	}
	if idsOf(d.NewFindings) != "mac:44:19:b6:00:00:07" || idsOf(d.Resolved) != "" {
		t.Errorf("new findings %s, resolved %s", idsOf(d.NewFindings), idsOf(d.Resolved))
	}
	// A partial run is stored and listed, but never the baseline of a comparison.
	broken := result(t, next[:1], t0.Add(48*time.Hour))
	broken.Partial = true
	third, err := s.Save(ctx, Run{Site: "hq", Result: broken})
	if err != nil || !third.Partial {
		t.Fatal(err)
	}
	fourth, err := s.Save(ctx, Run{Site: "hq", Result: result(t, next, t0.Add(72*time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	if prev, ok, _ := s.Previous(ctx, "hq", fourth.ID); !ok || prev.ID != second.ID {
		t.Errorf("previous of run %d = %d, want %d (skipping partial run %d)", fourth.ID, prev.ID, second.ID, third.ID)
	}
	h, err := s.History(ctx, "hq", 0)
	if err != nil || len(h) != 4 || h[2].ID != second.ID || h[3].ID != first.ID || h[2].Critical != 2 || !h[1].Partial {
		t.Fatalf("history = %+v, %v", h, err)
	}
	if all, _ := s.History(ctx, "", 0); len(all) != 5 {
		t.Errorf("history of all sites: %d runs", len(all))
	}
}

func idsOf(rs []DeviceRecord) string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.Identity
	}
	return strings.Join(ids, ",")
}

// manyDevices builds n Hikvision cameras in 10.10.0.0/16 with MACs from the
// Hikvision block 44:19:b6, offset so that runs can overlap partly.
func manyDevices(n, offset int) []fingerprint.Device {
	devs := make([]fingerprint.Device, n)
	for i := range devs {
		k := i + offset
		mac := fmt.Sprintf("44:19:b6:%02x:%02x:%02x", (k>>16)&0xff, (k>>8)&0xff, k&0xff)
		ip := fmt.Sprintf("10.10.%d.%d", (k>>8)&0xff, k&0xff)
		devs[i] = device(mac, ip, "Hikvision", "DS-2CD2042WD-I", "V5.4.5 build 170124", fingerprint.KindCamera, true)
	}
	return devs
}

// testConcurrent: eight audits, each with its own connection pool (as eight
// processes would have), create and migrate one new store and write to it at
// once; every run is whole.
func testConcurrent(t *testing.T, loc string) {
	const writers, runsEach, devs = 8, 3, 400
	var wg sync.WaitGroup
	errs := make(chan error, writers*runsEach)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), loc)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for r := range runsEach {
				res := result(t, manyDevices(devs, w*1000), time.Now())
				if _, err := s.Save(context.Background(), Run{Site: fmt.Sprintf("site-%d", w), Result: res}); err != nil {
					errs <- fmt.Errorf("writer %d run %d: %w", w, r, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkConsistent(t, loc, writers*runsEach)
}

// checkConsistent verifies that every stored run is whole: its device rows
// match its count and its result decodes.
func checkConsistent(t *testing.T, loc string, wantRuns int) []RunSummary {
	t.Helper()
	s := open(t, loc)
	ctx := context.Background()
	if raw := s.(*sqlStore); raw.d.name == "sqlite" {
		var ok string
		if err := raw.db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
			t.Fatalf("integrity_check: %q %v", ok, err)
		}
	}
	h, err := s.History(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if wantRuns >= 0 && len(h) != wantRuns {
		t.Errorf("%d runs stored, want %d", len(h), wantRuns)
	}
	for _, r := range h {
		recs, err := s.Devices(ctx, r.ID)
		if err != nil || len(recs) != r.Devices {
			t.Errorf("run %d: %d device rows for %d devices (%v)", r.ID, len(recs), r.Devices, err)
		}
		if res, err := s.Result(ctx, r.ID); err != nil || len(res.Devices) != r.Devices {
			t.Errorf("run %d: result unreadable: %v", r.ID, err)
		}
	}
	return h
}

const writerEnv = "CAMSWEEP_STORE_KILL_WRITER"

// TestKillWriterHelper is the subprocess the kill test runs: it saves runs in
// a loop and stops for a while inside the transaction of the second one.
func TestKillWriterHelper(t *testing.T) {
	loc := os.Getenv(writerEnv)
	if loc == "" {
		t.Skip("helper process for KillMidWrite")
	}
	s, err := Open(context.Background(), loc)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	saved := 0
	midWriteHook = func() {
		if saved == 1 {
			fmt.Println("in-transaction")
			time.Sleep(time.Minute) // killed here
		}
	}
	for {
		res := result(t, manyDevices(3000, 0), time.Now())
		if _, err := s.Save(context.Background(), Run{Site: "hq", Result: res}); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		saved++
		fmt.Println("saved", saved)
	}
}

// testKillMidWrite kills -9 a writer process inside its second run's
// transaction: the first run must be intact and the second absent.
func testKillMidWrite(t *testing.T, loc string) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillWriterHelper$", "-test.v")
	cmd.Env = append(os.Environ(), writerEnv+"="+loc)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	lines := bufio.NewScanner(out)
	var seen []string
	deadline := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for lines.Scan() {
		line := lines.Text()
		seen = append(seen, line)
		if line == "in-transaction" {
			break
		}
		if strings.HasPrefix(line, "error") {
			t.Fatalf("writer: %s", line)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if !slices.Contains(seen, "saved 1") || !slices.Contains(seen, "in-transaction") {
		t.Fatalf("writer never reached the second transaction: %q", seen)
	}
	h := checkConsistent(t, loc, 1)
	if len(h) == 1 && h[0].Devices != 3000 {
		t.Errorf("surviving run has %d devices", h[0].Devices)
	}
	// The store still takes new runs after the crash.
	s := open(t, loc)
	if _, err := s.Save(context.Background(), Run{Site: "hq", Result: result(t, baseline(), time.Now())}); err != nil {
		t.Fatalf("save after kill: %v", err)
	}
}
