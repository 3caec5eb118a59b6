// Package mutants is the list of one-line defects the test suite must catch, and how to apply one
// to a copy of the tree. Each mutant names the file it changes, the exact text it replaces (found
// exactly once, so a mutant that no longer applies is an error, not a silent pass) and the test
// packages that must fail on it. cmd/mutants runs them (make mutants).
package mutants

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Dir is where the lists live, relative to the repository's root: one YAML file per area.
const Dir = "tests/mutants"

// Mutant is one defect.
type Mutant struct {
	ID string `yaml:"id"`
	// Defect says, in a few words, what goes wrong in Azure or for the operator.
	Defect string `yaml:"defect"`
	File   string `yaml:"file"` // relative to the repository's root
	From   string `yaml:"from"` // the exact text replaced, present exactly once in File
	To     string `yaml:"to"`
	// Packages are the test packages to run (./tests, ./policy, ...); Run optionally narrows them
	// to the tests expected to catch the defect (go test -run).
	Packages []string `yaml:"packages"`
	Run      string   `yaml:"run"`
}

// Load reads every list under root/Dir, in file order, and checks the fields each mutant needs.
func Load(root string) ([]Mutant, error) {
	files, err := filepath.Glob(filepath.Join(root, Dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no mutant lists in %s", filepath.Join(root, Dir))
	}
	var all []Mutant
	seen := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var list []Mutant
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&list); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, m := range list {
			where := fmt.Sprintf("%s: mutant %q", filepath.Base(f), m.ID)
			switch {
			case m.ID == "" || m.Defect == "" || m.File == "" || m.From == "" || len(m.Packages) == 0:
				return nil, fmt.Errorf("%s needs id, defect, file, from and packages", where)
			case m.From == m.To:
				return nil, fmt.Errorf("%s changes nothing", where)
			case seen[m.ID] != "":
				return nil, fmt.Errorf("%s: the id is also in %s", where, seen[m.ID])
			}
			seen[m.ID] = filepath.Base(f)
			all = append(all, m)
		}
	}
	return all, nil
}

// Apply returns src with the mutant's change, or an error unless From occurs exactly once.
func (m Mutant) Apply(src []byte) ([]byte, error) {
	if n := bytes.Count(src, []byte(m.From)); n != 1 {
		return nil, fmt.Errorf("mutant %s: %q occurs %d times in %s, not once", m.ID, m.From, n, m.File)
	}
	return bytes.Replace(src, []byte(m.From), []byte(m.To), 1), nil
}

// Args are the go test arguments that run the mutant's tests.
func (m Mutant) Args() []string {
	args := []string{"test", "-count=1"}
	if m.Run != "" {
		args = append(args, "-run", m.Run)
	}
	return append(args, m.Packages...)
}

// Outcome of one mutant's test run.
type Outcome string

const (
	Killed   Outcome = "killed"   // some test failed: the suite catches the defect
	Survived Outcome = "SURVIVED" // every test passed: the defect goes unnoticed
	Broken   Outcome = "BROKEN"   // the mutant does not build: it proves nothing
)

// Judge reads go test's exit status and output. A build failure is not a kill: a mutant must be
// a defect that compiles, as a real one would.
func Judge(failed bool, output string) (Outcome, []string) {
	if strings.Contains(output, "[build failed]") || strings.Contains(output, "[setup failed]") {
		return Broken, nil
	}
	if !failed {
		return Survived, nil
	}
	var failing []string
	for _, line := range strings.Split(output, "\n") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "--- FAIL: "); ok {
			name, _, _ = strings.Cut(name, " ")
			if !slices.Contains(failing, name) {
				failing = append(failing, name)
			}
		}
	}
	return Killed, failing
}
