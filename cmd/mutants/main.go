// Command mutants proves the tests bite: it applies each one-line defect of tests/mutants/*.yaml
// to a copy of the tree, runs the tests the defect names, and reports which mutants the tests
// kill. A mutant that survives is a test to write or a gap to explain; one that no longer applies
// or does not build fails the run.
//
//	go run ./cmd/mutants              # every mutant (make mutants)
//	go run ./cmd/mutants -only peering # mutants whose id matches a regular expression
//	go run ./cmd/mutants -jobs 2      # two at a time, each in its own copy of the tree
package main

import (
	"bytes"
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hubspoke/private-aks/internal/mutants"
)

func main() {
	only := flag.String("only", "", "run only the mutants whose id matches this regular expression")
	work := flag.String("work", filepath.Join(os.TempDir(), "hubspoke-mutants"), "the copy of the tree the mutants are applied to (replaced each run; a fixed path keeps Go's build cache warm)")
	timeout := flag.Duration("timeout", 10*time.Minute, "how long one mutant's tests may run")
	jobs := flag.Int("jobs", 1, "mutants tried at once, each in its own copy of the tree (<work>-<n>)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *only, *work, *timeout, max(*jobs, 1)); err != nil {
		fmt.Fprintln(os.Stderr, "mutants:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, only, work string, timeout time.Duration, jobs int) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	list, err := mutants.Load(root)
	if err != nil {
		return err
	}
	pick, err := regexp.Compile(only)
	if err != nil {
		return fmt.Errorf("-only: %w", err)
	}
	list = slices.DeleteFunc(list, func(m mutants.Mutant) bool { return !pick.MatchString(m.ID) })
	if len(list) == 0 {
		return fmt.Errorf("no mutant matches %q", only)
	}
	copies := []string{work}
	for n := 2; n <= jobs; n++ {
		copies = append(copies, fmt.Sprintf("%s-%d", work, n))
	}
	for _, dir := range copies {
		if err := copyTree(root, dir); err != nil {
			return fmt.Errorf("copying the tree to %s: %w", dir, err)
		}
	}
	start := time.Now()
	pending := make(chan mutants.Mutant)
	reports := make(chan report)
	for _, dir := range copies {
		go func() {
			for m := range pending {
				began := time.Now()
				outcome, failing, err := try(ctx, dir, m, timeout)
				reports <- report{m, outcome, failing, time.Since(began), err}
			}
		}()
	}
	go func() {
		defer close(pending)
		for _, m := range list {
			pending <- m // after an interrupt, each try ends at once
		}
	}()
	counts := map[mutants.Outcome]int{}
	var bad []string
	var firstErr error
	for range list {
		r := <-reports
		if r.err != nil {
			firstErr = cmp.Or(firstErr, r.err)
			continue
		}
		counts[r.outcome]++
		detail := "caught by " + strings.Join(r.tests(), ", ")
		if r.outcome != mutants.Killed {
			detail = r.m.Defect
			bad = append(bad, r.m.ID)
		}
		fmt.Printf("%-8s %-48s %6.1fs  %s\n", r.outcome, r.m.ID, r.took.Seconds(), detail)
	}
	if firstErr != nil {
		return firstErr
	}
	total := counts[mutants.Killed] + counts[mutants.Survived] + counts[mutants.Broken]
	fmt.Printf("\nkilled %d of %d mutants (%.0f%%), %d survived, %d did not build; %s in all (%d at a time)\n",
		counts[mutants.Killed], total, 100*float64(counts[mutants.Killed])/float64(total),
		counts[mutants.Survived], counts[mutants.Broken], time.Since(start).Round(time.Second), jobs)
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("not killed: %s", strings.Join(bad, ", "))
	}
	return nil
}

// report is one mutant's outcome.
type report struct {
	m       mutants.Mutant
	outcome mutants.Outcome
	failing []string
	took    time.Duration
	err     error
}

// tests are the most specific failures: a test whose subtest failed is named by the subtest.
func (r report) tests() []string {
	var out []string
	for _, name := range r.failing {
		if !slices.ContainsFunc(r.failing, func(other string) bool { return strings.HasPrefix(other, name+"/") }) {
			out = append(out, name)
		}
	}
	return out
}

// try applies one mutant to the copy, runs its tests and puts the file back.
func try(ctx context.Context, work string, m mutants.Mutant, timeout time.Duration) (mutants.Outcome, []string, error) {
	file := filepath.Join(work, m.File)
	original, err := os.ReadFile(file)
	if err != nil {
		return "", nil, err
	}
	mutated, err := m.Apply(original)
	if err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(file, mutated, 0o644); err != nil {
		return "", nil, err
	}
	defer os.WriteFile(file, original, 0o644)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", m.Args()...)
	cmd.Dir = work
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	if ctx.Err() != nil && !strings.Contains(out.String(), "--- FAIL") {
		return "", nil, fmt.Errorf("mutant %s: tests did not finish within %s", m.ID, timeout)
	}
	outcome, failing := mutants.Judge(runErr != nil, out.String())
	if outcome == mutants.Broken {
		fmt.Fprintf(os.Stderr, "%s does not build:\n%s\n", m.ID, out.String())
	}
	return outcome, failing, nil
}

// copyTree copies the files git knows of (tracked, or untracked and not ignored) to work, and
// links the built tools (bin/: the CLI, actionlint) so the engine tests find them.
func copyTree(root, work string) error {
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			return err
		}
		info, err := os.Stat(filepath.Join(root, name))
		if err != nil {
			return err
		}
		dest := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dest, data, info.Mode().Perm()); err != nil {
			return err
		}
	}
	return os.Symlink(filepath.Join(root, "bin"), filepath.Join(work, "bin"))
}
