// Package mocktest runs the whole program under Pulumi's mocks for the tests of every package:
// one recording mock that stands in for Azure through internal/azuremock, the shipped stack files
// as config, and helpers that read what the program Registered.
package mocktest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/hubspoke/private-aks/internal/azuremock"
	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/standin"
	"github.com/hubspoke/private-aks/stack"
)

// Project is the Pulumi project name, as in Pulumi.yaml.
const Project = "hubspoke"

// Registered is one resource as the program registered it.
type Registered = azuremock.Registered

// Result is one run of the program under mocks.
type Result struct {
	Resources []*Registered
	Outputs   map[string]string // the stack outputs, as strings
}

// DeclaredKey is one config key Pulumi.yaml declares.
type DeclaredKey struct {
	Default any `yaml:"default"`
}

// DeclaredKeys reads the config keys Pulumi.yaml declares, with their defaults.
func DeclaredKeys(t testing.TB) map[string]DeclaredKey {
	t.Helper()
	return declaredKeys(t, "")
}

// declaredKeys reads the keys the Pulumi.yaml in a folder of the repository declares.
func declaredKeys(t testing.TB, dir string) map[string]DeclaredKey {
	t.Helper()
	var proj struct {
		Config map[string]DeclaredKey `yaml:"config"`
	}
	ReadYAML(t, filepath.Join(dir, "Pulumi.yaml"), &proj)
	return proj.Config
}

// StackConfig reads a stack's config the way the CLI would: Pulumi.yaml defaults, then the
// stack file, with its placeholders filled by their stand-ins (what a user sets before `up`).
// Structured values become JSON, as the engine hands them to the program.
func StackConfig(t testing.TB, stackName string) map[string]string {
	t.Helper()
	return ProjectConfig(t, "", Project, stackName, true)
}

// ShippedStackConfig is a stack's config as the stack file ships it: placeholders unset.
func ShippedStackConfig(t testing.TB, stackName string) map[string]string {
	t.Helper()
	return ProjectConfig(t, "", Project, stackName, false)
}

// ProjectConfig is StackConfig for the project in a folder of the repository (the bootstrap's),
// with the placeholders filled or not.
func ProjectConfig(t testing.TB, dir, project, stackName string, fill bool) map[string]string {
	t.Helper()
	cfg := map[string]string{}
	for k, v := range declaredKeys(t, dir) {
		if v.Default != nil {
			cfg[k] = ConfigValue(t, v.Default)
		}
	}
	data, err := os.ReadFile(filepath.Join(RepoRoot(t), dir, "Pulumi."+stackName+".yaml"))
	require.NoError(t, err)
	if fill {
		data, _, err = standin.Fill(project, data)
		require.NoError(t, err)
	}
	var st struct {
		Config map[string]any `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(data, &st))
	for k, v := range st.Config {
		cfg[k] = ConfigValue(t, v)
	}
	return cfg
}

func ReadYAML(t testing.TB, file string, out any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(RepoRoot(t), file))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, out), file)
}

// ConfigValue is a config value as the engine hands it to the program: strings as they are,
// structured values as JSON.
func ConfigValue(t testing.TB, v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return string(data)
}

// Run runs stack.Program under mocks with the given config and collects what it registered and
// the stack outputs it exported.
func Run(t testing.TB, stackName string, cfg map[string]string) (*Result, error) {
	t.Helper()
	return RunAs(t, azuremock.DeployerObjectID, stackName, cfg)
}

// RunAs is Run with another identity running the deployment (its Entra ID object ID).
func RunAs(t testing.TB, deployer, stackName string, cfg map[string]string) (*Result, error) {
	t.Helper()
	cloud := azuremock.New()
	cloud.Deployer = deployer
	resources, outputs, err := azuremock.Run(stack.Program, cloud, Project, stackName, cfg)
	require.Empty(t, cloud.Probed(), "placeholder addresses that depend on the order of creation")
	return &Result{Resources: resources, Outputs: outputs}, err
}

// RunStack runs a shipped stack config and requires success.
func RunStack(t testing.TB, stackName string) *Result {
	t.Helper()
	res, err := Run(t, stackName, StackConfig(t, stackName))
	require.NoError(t, err)
	return res
}

// WithConfig runs the dev config with some keys changed; edit gets each structured key decoded.
func WithConfig(t testing.TB, edit func(cfg map[string]any)) map[string]string {
	t.Helper()
	raw := StackConfig(t, "dev")
	decoded := map[string]any{}
	for k, v := range raw {
		var x any
		if err := json.Unmarshal([]byte(v), &x); err == nil && strings.HasPrefix(strings.TrimSpace(v), "{") {
			decoded[strings.TrimPrefix(k, Project+":")] = x
		} else {
			decoded[strings.TrimPrefix(k, Project+":")] = v
		}
	}
	edit(decoded)
	out := map[string]string{}
	for k, v := range decoded {
		out[Project+":"+k] = ConfigValue(t, v)
	}
	return out
}

// OfType lists the registered resources of one type.
func (r *Result) OfType(typ string) []*Registered {
	var out []*Registered
	for _, res := range r.Resources {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// One requires exactly one resource of a type with the given Azure name (or any name if empty).
func (r *Result) One(t testing.TB, typ string) *Registered {
	t.Helper()
	all := r.OfType(typ)
	require.Len(t, all, 1, "resources of type %s", typ)
	return all[0]
}

// Named requires the resource of a type with the given Azure name.
func (r *Result) Named(t testing.TB, typ, azureName string) *Registered {
	t.Helper()
	for _, res := range r.OfType(typ) {
		if Str(res.State, "name") == azureName {
			return res
		}
	}
	require.Failf(t, "resource not Registered", "%s %s", typ, azureName)
	return nil
}

// ByURN finds a resource by URN.
func (r *Result) ByURN(urn string) *Registered {
	for _, res := range r.Resources {
		if res.URN == urn {
			return res
		}
	}
	return nil
}

// ByID finds a custom resource by the ID the mock gave it.
func (r *Result) ByID(id string) *Registered {
	for _, res := range r.Resources {
		if res.Custom && res.ID == id {
			return res
		}
	}
	return nil
}

// At reads a nested value: At(pm, "a", 0, "b") is pm.a[0].b; a missing step gives null.
func At(pm resource.PropertyMap, path ...any) resource.PropertyValue {
	v := resource.NewObjectProperty(pm)
	for _, step := range path {
		switch s := step.(type) {
		case string:
			if !v.IsObject() {
				return resource.NewNullProperty()
			}
			v = v.ObjectValue()[resource.PropertyKey(s)]
		case int:
			if !v.IsArray() || len(v.ArrayValue()) <= s {
				return resource.NewNullProperty()
			}
			v = v.ArrayValue()[s]
		}
	}
	return v
}

// Items reads a nested array (nil if absent).
func Items(pm resource.PropertyMap, path ...any) []resource.PropertyValue {
	v := At(pm, path...)
	if !v.IsArray() {
		return nil
	}
	return v.ArrayValue()
}

// Str reads a nested string value ("" if absent).
func Str(pm resource.PropertyMap, path ...any) string {
	v := At(pm, path...)
	if !v.IsString() {
		return ""
	}
	return v.StringValue()
}

// Strs reads a nested array of strings.
func Strs(pm resource.PropertyMap, path ...any) []string {
	v := At(pm, path...)
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, x := range v.ArrayValue() {
		if x.IsString() {
			out = append(out, x.StringValue())
		}
	}
	return out
}

// RepoRoot is the repository's root: the folder of go.mod above the test's package.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the test")
		dir = parent
	}
}

// StackNames lists the shipped stacks, one per Pulumi.<stack>.yaml.
func StackNames(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(RepoRoot(t), "Pulumi.*.yaml"))
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	require.Contains(t, names, "dev")
	require.Contains(t, names, "prod")
	return names
}

// Set changes one field of a structured key, for WithConfig.
func Set(key, field string, value any) func(map[string]any) {
	return func(c map[string]any) { c[key].(map[string]any)[field] = value }
}

// All applies several edits.
func All(edits ...func(map[string]any)) func(map[string]any) {
	return func(c map[string]any) {
		for _, e := range edits {
			e(c)
		}
	}
}

// First is the first registered resource of a type.
func (r *Result) First(typ string) *Registered {
	return r.OfType(typ)[0]
}

// VNet finds a VNet by its Azure name.
func (r *Result) VNet(t testing.TB, name string) *Registered {
	t.Helper()
	for _, v := range r.OfType(azuretype.VNet) {
		if Str(v.Inputs, "virtualNetworkName") == name {
			return v
		}
	}
	require.Failf(t, "VNet not registered", "%s", name)
	return nil
}

// Subnet returns the inline subnet of a VNet by name.
func Subnet(t testing.TB, vnet *Registered, name string) map[string]any {
	t.Helper()
	for _, s := range At(vnet.Inputs, "subnets").ArrayValue() {
		if s.ObjectValue()["name"].StringValue() == name {
			return s.ObjectValue().Mappable()
		}
	}
	require.Failf(t, "subnet not declared", "%s in %s", name, vnet.ID)
	return nil
}

// DependsOn tells whether a resource's registration lists another as a dependency.
func DependsOn(r, on *Registered) bool {
	return slices.Contains(r.Dependencies, on.URN)
}

// RequireTool finds a command the test needs, or fails naming how to install it.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	require.NoError(t, err, "%s is missing: `make test-deps` installs what the tests need", name)
	return path
}

// RuleByName finds a rule in any collection of the rule collection groups.
func RuleByName(t testing.TB, res *Result, name string) map[string]any {
	t.Helper()
	for _, g := range res.OfType(azuretype.RuleCollectionGroup) {
		for _, c := range At(g.Inputs, "ruleCollections").ArrayValue() {
			for _, r := range c.ObjectValue()["rules"].ArrayValue() {
				if r.ObjectValue()["name"].StringValue() == name {
					return r.ObjectValue().Mappable()
				}
			}
		}
	}
	require.Failf(t, "firewall rule not found", "%s", name)
	return nil
}

// OnPrem is the on-premises side the DNS tests configure.
var OnPrem = map[string]any{
	"onPremDomains": []any{map[string]any{"domain": "corp.contoso.com", "servers": []any{"172.30.0.10", "172.30.0.11"}}},
	"onPremRanges":  []any{"172.30.0.0/16"},
}

// DNSMode configures a DNS resolution mode on the dev stack.
func DNSMode(resolver string) func(map[string]any) {
	return func(c map[string]any) {
		d := map[string]any{"zoneMode": "custom", "resolver": resolver}
		switch resolver {
		case "forwarder":
			d["forwarderSubnet"] = "10.0.2.0/28"
		case "privateResolver":
			// Outside 10.0.1.0-10.0.16.255, which the Private Resolver reserves.
			d["resolverInboundSubnet"] = "10.0.32.0/28"
			d["resolverOutboundSubnet"] = "10.0.32.16/28"
		}
		if resolver != "azure" {
			for k, v := range OnPrem {
				d[k] = v
			}
		}
		c["dns"] = d
	}
}

// ClusterZoneLinks are the VNet links of the API server's zone (privatelink.<region>.azmk8s.io),
// apart from the registry's and vault's zones.
func (r *Result) ClusterZoneLinks() []*Registered {
	var out []*Registered
	for _, l := range r.OfType(azuretype.VNetLink) {
		if strings.HasSuffix(Str(l.Inputs, "privateZoneName"), ".azmk8s.io") {
			out = append(out, l)
		}
	}
	return out
}
