// Package policy is the program's policy pack, enforced by the Pulumi engine on every preview and
// up (Pulumi CrossGuard, written with the experimental Go API policyx): preflight policies for
// what Azure refuses or silently breaks although the SDK's types allow it, stack policies for
// what only the whole stack shows (wiring and ordering), and the security baseline. Each policy's
// description cites its source; every policy is mandatory unless it says advisory.
package policy

import (
	"context"
	"slices"
	"strings"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// Name and Version of the pack, as PulumiPolicy.yaml repeats them.
const (
	Name    = "hubspoke-azure"
	Version = "1.0.0"
)

// Pack is the policy pack. Its own enforcement level is ignored by policyx
// (pulumi/pulumi#24650): each policy sets its own.
func Pack() (policyx.PolicyPack, error) {
	return policyx.NewPolicyPack(Name, semver.MustParse(Version), policyx.EnforcementLevelMandatory, Policies())
}

// Policies are the pack's policies: preflight, stack, then security.
func Policies() []policyx.Policy {
	return slices.Concat(preflight(), stackPolicies(), security())
}

// resourcePolicy checks each resource of the given types on its own inputs.
func resourcePolicy(name, description string, level policyx.EnforcementLevel, types []string, check func(r resource) []string) policyx.Policy {
	return policyx.NewResourceValidationPolicy(name, policyx.ResourceValidationPolicyArgs{
		Description:      description,
		EnforcementLevel: level,
		ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
			if !slices.Contains(types, args.Resource.Type) {
				return nil
			}
			for _, message := range check(fromAnalyzer(args.Resource)) {
				args.Manager.ReportViolation(message, args.Resource.URN)
			}
			return nil
		},
	})
}

// violation is one finding of a stack policy, on the resource it names.
type violation struct{ urn, message string }

// stackPolicy checks the whole stack: every resource's outputs and dependencies.
func stackPolicy(name, description string, check func(s stack) []violation) policyx.Policy {
	return policyx.NewStackValidationPolicy(name, policyx.StackValidationPolicyArgs{
		Description:      description,
		EnforcementLevel: policyx.EnforcementLevelMandatory,
		ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
			s := stack{byURN: map[string]resource{}}
			for _, r := range args.Resources {
				res := fromAnalyzer(r)
				s.resources = append(s.resources, res)
				s.byURN[res.URN] = res
			}
			found := check(s)
			// Sorted, so the same stack gives the same report every run.
			slices.SortFunc(found, func(a, b violation) int { return strings.Compare(a.urn+a.message, b.urn+b.message) })
			for _, v := range found {
				args.Manager.ReportViolation(v.message, v.urn)
			}
			return nil
		},
	})
}

// stack is every resource of a stack, for the stack policies.
type stack struct {
	resources []resource
	byURN     map[string]resource
}

// ofType lists the resources of one type.
func (s stack) ofType(typ string) []resource {
	var out []resource
	for _, r := range s.resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// named finds the resource of a type with an Azure name (what an Azure ID ends with).
func (s stack) named(typ, name string) (resource, bool) {
	for _, r := range s.ofType(typ) {
		if r.azureName() == name {
			return r, true
		}
	}
	return resource{}, false
}

// refersTo tells whether r's input key took its value from the resource target.
func refersTo(r resource, key string, target resource) bool {
	return slices.Contains(r.PropertyDependencies[key], target.URN)
}

// referrers lists the resources of a type whose input key took its value from target.
func (s stack) referrers(typ, key string, target resource) []resource {
	var out []resource
	for _, r := range s.ofType(typ) {
		if refersTo(r, key, target) {
			out = append(out, r)
		}
	}
	return out
}
