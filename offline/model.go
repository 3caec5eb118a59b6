package offline

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hubspoke/private-aks/internal/azuretype"
)

// Step is one resource on the critical path.
type Step struct {
	URN      string
	Type     string
	Duration time.Duration
	Finish   time.Duration // when it is done, counting from the start of the deployment
}

// Model is the deploy-time model of a stack: the longest chain of dependent creations.
type Model struct {
	CriticalPath []Step
	Length       time.Duration // the critical path's length: the deployment's least wall time
	SerialSum    time.Duration // every creation one after the other
	Resources    int
}

// DeployModel computes the model from an exported state's resources and dependencies.
func DeployModel(st State) (Model, error) {
	byURN := map[string]StateResource{}
	for _, r := range st.Resources {
		if _, ok := azuretype.Table[r.Type]; ok {
			byURN[r.URN] = r
		} else if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
			return Model{}, fmt.Errorf("no provisioning time known for %s", r.Type)
		}
	}
	finish := map[string]time.Duration{}
	previous := map[string]string{}
	var visit func(urn string) time.Duration
	visit = func(urn string) time.Duration {
		if f, ok := finish[urn]; ok {
			return f
		}
		r := byURN[urn]
		var start time.Duration
		deps := append([]string(nil), r.Dependencies...)
		sort.Strings(deps) // ties resolve the same way every run
		for _, dep := range deps {
			if _, ok := byURN[dep]; !ok {
				continue
			}
			if f := visit(dep); f > start {
				start, previous[urn] = f, dep
			}
		}
		finish[urn] = start + azuretype.Table[r.Type].Provisioning
		return finish[urn]
	}
	m := Model{Resources: len(byURN)}
	urns := make([]string, 0, len(byURN))
	for urn := range byURN {
		urns = append(urns, urn)
	}
	sort.Strings(urns)
	last := ""
	for _, urn := range urns {
		m.SerialSum += azuretype.Table[byURN[urn].Type].Provisioning
		if f := visit(urn); f > m.Length {
			m.Length, last = f, urn
		}
	}
	for urn := last; urn != ""; urn = previous[urn] {
		r := byURN[urn]
		m.CriticalPath = append([]Step{{URN: urn, Type: r.Type, Duration: azuretype.Table[r.Type].Provisioning, Finish: finish[urn]}}, m.CriticalPath...)
	}
	return m, nil
}

// name is the step's resource's Pulumi name, the end of its URN.
func (s Step) name() string {
	return s.URN[strings.LastIndex(s.URN, "::")+2:]
}

// Summary is the model in a few lines: its critical path and its length.
func (m Model) Summary() string {
	var path []string
	for _, s := range m.CriticalPath {
		path = append(path, s.name())
	}
	return fmt.Sprintf("Deploy-time model (%d Azure resources, estimated times): critical path %s\n  %s\n  serial sum %s (%.1fx); the whole model: %s\n",
		m.Resources, m.Length, strings.Join(path, " -> "), m.SerialSum, float64(m.SerialSum)/float64(m.Length), ModelFile)
}

// String prints the model for people.
func (m Model) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Deploy-time model (%d resources; provisioning times per type are estimates, see offline/model.go)\n", m.Resources)
	fmt.Fprintf(&b, "Critical path:\n")
	for _, s := range m.CriticalPath {
		fmt.Fprintf(&b, "  %8s  +%-6s %-60s %s\n", s.Finish, s.Duration, s.Type, s.name())
	}
	fmt.Fprintf(&b, "Critical path length: %s\n", m.Length)
	fmt.Fprintf(&b, "Serial sum of all creations: %s (%.1fx the critical path)\n", m.SerialSum, float64(m.SerialSum)/float64(m.Length))
	fmt.Fprintf(&b, "Basis of each figure:\n")
	types := make([]string, 0, len(azuretype.Table))
	for t := range azuretype.Table {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(&b, "  %-60s %8s  %s\n", t, azuretype.Table[t].Provisioning, azuretype.Table[t].Basis)
	}
	return b.String()
}
