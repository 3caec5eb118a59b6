// Command mutants proves the tests bite: it applies each one-line defect of tests/mutants/*.yaml
// to a copy of the tree, runs the tests the defect names, and reports which mutants the tests
// kill. A mutant that survives is a test to write or a gap to explain; one that no longer applies
// or does not build fails the run.
//
//	go run ./cmd/mutants              # every mutant (make mutants)
//	go run ./cmd/mutants -only peering # mutants whose id matches a regular expression
package main

import (
	"bytes"
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
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *only, *work, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "mutants:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, only, work string, timeout time.Duration) error {
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
	if err := copyTree(root, work); err != nil {
		return fmt.Errorf("copying the tree to %s: %w", work, err)
	}
	start := time.Now()
	counts := map[mutants.Outcome]int{}
	var bad []string
	for _, m := range list {
		if !pick.MatchString(m.ID) {
			continue
		}
		began := time.Now()
		outcome, failing, err := try(ctx, work, m, timeout)
		if err != nil {
			return err
		}
		counts[outcome]++
		// The most specific failures: a test whose subtest failed is named by the subtest.
		var tests []string
		for _, name := range failing {
			if !slices.ContainsFunc(failing, func(other string) bool { return strings.HasPrefix(other, name+"/") }) {
				tests = append(tests, name)
			}
		}
		detail := "caught by " + strings.Join(tests, ", ")
		if outcome != mutants.Killed {
			detail = m.Defect
			bad = append(bad, m.ID)
		}
		fmt.Printf("%-8s %-48s %6.1fs  %s\n", outcome, m.ID, time.Since(began).Seconds(), detail)
	}
	total := counts[mutants.Killed] + counts[mutants.Survived] + counts[mutants.Broken]
	if total == 0 {
		return fmt.Errorf("no mutant matches %q", only)
	}
	fmt.Printf("\nkilled %d of %d mutants (%.0f%%), %d survived, %d did not build; %s in all\n",
		counts[mutants.Killed], total, 100*float64(counts[mutants.Killed])/float64(total),
		counts[mutants.Survived], counts[mutants.Broken], time.Since(start).Round(time.Second))
	if len(bad) > 0 {
		return fmt.Errorf("not killed: %s", strings.Join(bad, ", "))
	}
	return nil
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
