package mutants_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/mutants"
)

// The mutation run itself is slow (make mutants); this keeps its list true to the tree on every
// make test: a change that moves a mutant's text fails here, not months later.
func TestEveryMutantAppliesOnceAndNamesTestPackages(t *testing.T) {
	root := filepath.Join("..", "..")
	list, err := mutants.Load(root)
	require.NoError(t, err)
	require.NotEmpty(t, list)
	for _, m := range list {
		src, err := os.ReadFile(filepath.Join(root, m.File))
		if !assert.NoError(t, err, m.ID) {
			continue
		}
		mutated, err := m.Apply(src)
		if assert.NoError(t, err) {
			assert.NotEqual(t, string(src), string(mutated), m.ID)
		}
		var names []string
		for _, pkg := range m.Packages {
			tests, _ := filepath.Glob(filepath.Join(root, pkg, "*_test.go"))
			assert.NotEmpty(t, tests, "%s: %s has no tests", m.ID, pkg)
			for _, file := range tests {
				src, err := os.ReadFile(file)
				require.NoError(t, err)
				for _, match := range testFunc.FindAllStringSubmatch(string(src), -1) {
					names = append(names, match[1])
				}
			}
		}
		// A run pattern that matches no test runs nothing, and the mutant survives unnoticed
		// (its first part, as go test -run splits subtests on '/').
		if m.Run != "" {
			run := regexp.MustCompile(strings.Split(m.Run, "/")[0])
			assert.True(t, slices.ContainsFunc(names, run.MatchString), "%s: run %q matches no test of %v", m.ID, m.Run, m.Packages)
		}
	}
}

var testFunc = regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)

func TestAMutantMustApplyExactlyOnce(t *testing.T) {
	m := mutants.Mutant{ID: "x", File: "f.go", From: "a", To: "b"}
	_, err := m.Apply([]byte("a a"))
	assert.ErrorContains(t, err, `"a" occurs 2 times in f.go, not once`)
	_, err = m.Apply([]byte("c"))
	assert.ErrorContains(t, err, "occurs 0 times")
	out, err := m.Apply([]byte("cac"))
	require.NoError(t, err)
	assert.Equal(t, "cbc", string(out))
}

func TestBuildFailuresAreNotKills(t *testing.T) {
	// go test's own output, abridged.
	killed, failing := mutants.Judge(true, "--- FAIL: TestA (0.01s)\n    --- FAIL: TestA/sub (0.00s)\n--- FAIL: TestB (0.00s)\nFAIL\n")
	assert.Equal(t, mutants.Killed, killed)
	assert.Equal(t, []string{"TestA", "TestA/sub", "TestB"}, failing)
	broken, _ := mutants.Judge(true, "# example/pkg\npkg/x.go:3:1: syntax error\nFAIL\texample/pkg [build failed]\n")
	assert.Equal(t, mutants.Broken, broken)
	survived, _ := mutants.Judge(false, "ok  \texample/pkg\t0.1s\n")
	assert.Equal(t, mutants.Survived, survived)
}
