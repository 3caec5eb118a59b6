package offline

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/azuretype"
)

// AzureOptions are the behaviours of the offline Azure beyond answering like Azure: time,
// Azure's locks, injected failures and Azure's own changes.
type AzureOptions struct {
	// Minute is how long one Azure minute of the deploy-time model lasts here; zero means
	// DefaultMinute. Each create and update takes its type's provisioning time, scaled.
	Minute time.Duration
	// FailFirstCreate are logical resource names whose first create fails as Azure fails it, after
	// half of its time.
	FailFirstCreate []string
	// PolicyTags are tags an Azure Policy modify effect adds to every taggable resource: a refresh
	// reports them.
	PolicyTags map[string]string
}

// DefaultMinute scales the deploy-time model: the dev stack's 24m45s critical path takes ~0.5 s.
const DefaultMinute = 20 * time.Millisecond

// azure is the state the offline Azure keeps across one session: held locks and spent failures.
type azure struct {
	opts   AzureOptions
	mu     sync.Mutex
	held   map[string][]holder // lock domain -> operations holding it
	failed map[string]bool     // logical names whose injected failure has happened
}

type holder struct {
	name      string
	exclusive bool
}

// claim is one lock domain an operation holds, exclusively or shared.
type claim struct {
	domain    string
	exclusive bool
}

func newAzure(opts AzureOptions) *azure {
	if opts.Minute == 0 {
		opts.Minute = DefaultMinute
	}
	return &azure{opts: opts, held: map[string][]holder{}, failed: map[string]bool{}}
}

// duration is how long an operation on a type takes here.
func (a *azure) duration(typ string) time.Duration {
	return time.Duration(float64(azuretype.Table[typ].Provisioning) / float64(time.Minute) * float64(a.opts.Minute))
}

// claims are Azure's lock domains an operation takes: on a VNet, the VNet itself and a peering
// run alone (a peering updates both VNets) while NICs, firewalls, Bastion, resolvers and node
// pools join subnets side by side; on a firewall policy, the policy, its rule collection groups
// and the firewall run one at a time; on a cluster, the cluster and its agent pools. The same
// model as the policy pack's no-concurrent-operations.
func claims(typ string, in resource.PropertyMap) []claim {
	var out []claim
	add := func(domain string, exclusive bool) {
		if c := (claim{domain, exclusive}); !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	str := func(key string) string {
		if v := in[resource.PropertyKey(key)]; v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	for _, key := range azuretype.SubnetJoins[typ] {
		for _, id := range stringsIn(in[resource.PropertyKey(key)]) {
			if vnet, _, ok := azureid.SubnetOf(id); ok {
				add("vnet "+vnet, false)
			} else if key == "virtualNetwork" { // the DNS Private Resolver names its VNet itself
				add("vnet "+azureid.NameOf(id), false)
			}
		}
	}
	switch typ {
	case azuretype.VNet:
		add("vnet "+str("virtualNetworkName"), true)
	case azuretype.Peering:
		add("vnet "+str("virtualNetworkName"), true)
		for _, id := range stringsIn(in["remoteVirtualNetwork"]) {
			add("vnet "+azureid.NameOf(id), true)
		}
	case azuretype.Firewall:
		for _, id := range stringsIn(in["firewallPolicy"]) {
			add("firewall policy "+azureid.NameOf(id), true)
		}
	case azuretype.FirewallPolicy, azuretype.RuleCollectionGroup:
		add("firewall policy "+str("firewallPolicyName"), true)
	case azuretype.ManagedCluster, azuretype.AgentPool:
		add("cluster "+str("resourceName"), true)
	}
	return out
}

// stringsIn are the strings anywhere in an input value (resource IDs among them).
func stringsIn(v resource.PropertyValue) []string {
	switch {
	case v.IsString():
		return []string{v.StringValue()}
	case v.IsArray():
		var out []string
		for _, x := range v.ArrayValue() {
			out = append(out, stringsIn(x)...)
		}
		return out
	case v.IsObject():
		var out []string
		for _, k := range v.ObjectValue().StableKeys() {
			out = append(out, stringsIn(v.ObjectValue()[k])...)
		}
		return out
	}
	return nil
}

// acquire takes an operation's locks, or fails the way ARM does when another operation holds one.
func (a *azure) acquire(name string, cs []claim) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range cs {
		for _, h := range a.held[c.domain] {
			if c.exclusive || h.exclusive {
				return fmt.Errorf("AnotherOperationInProgress (HTTP 409 Conflict): %s cannot start: %s is in progress on %s", name, h.name, c.domain)
			}
		}
	}
	for _, c := range cs {
		a.held[c.domain] = append(a.held[c.domain], holder{name, c.exclusive})
	}
	return nil
}

func (a *azure) release(name string, cs []claim) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range cs {
		a.held[c.domain] = slices.DeleteFunc(a.held[c.domain], func(h holder) bool { return h.name == name })
	}
}

// failures are how Azure fails the creates a run may inject, by type.
var failures = map[string]string{
	azuretype.ManagedCluster: "CreateVMSSAgentPoolFailed: Unable to establish outbound connection from agents; the VM extension failed while the nodes bootstrapped",
	azuretype.RoleAssignment: "PrincipalNotFound: Principal does not exist in the directory; it may not have replicated yet",
	azuretype.Firewall:       "InternalServerError: An error occurred. The operation failed and can be retried",
}

// operate runs one create or update: it takes the locks, spends the type's time, and fails an
// injected first create halfway.
func (a *azure) operate(name, typ string, in resource.PropertyMap, creating bool) error {
	cs := claims(typ, in)
	if err := a.acquire(name, cs); err != nil {
		return err
	}
	defer a.release(name, cs)
	a.mu.Lock()
	fail := creating && slices.Contains(a.opts.FailFirstCreate, name) && !a.failed[name]
	a.failed[name] = a.failed[name] || fail
	a.mu.Unlock()
	if fail {
		time.Sleep(a.duration(typ) / 2)
		message, ok := failures[typ]
		if !ok {
			message = "InternalServerError: An error occurred"
		}
		return fmt.Errorf("%s (%s)", message, name)
	}
	time.Sleep(a.duration(typ))
	return nil
}

// Azure's own changes that a refresh reports (each with the source that says Azure makes it).
const (
	// autoscaledBy is how many nodes the cluster autoscaler added to each autoscaled pool (AKS
	// docs, "Cluster autoscaler": it changes the pool's node count).
	autoscaledBy = 1
	// upgradedPatch is the patch the auto-upgrade channel installed (AKS docs, "Automatically
	// upgrade an AKS cluster": the patch channel moves to the latest supported patch;
	// currentKubernetesVersion reports it while kubernetesVersion keeps a MAJOR.MINOR alias).
	upgradedPatch = "3"
)

// drift applies Azure's own changes to a resource's outputs, or to the inputs Azure's answer
// implies (outputs false): the versions AKS runs are outputs only.
func (a *azure) drift(typ string, props resource.PropertyMap, outputs bool) {
	autoscale := func(pool resource.PropertyMap) {
		if pool["enableAutoScaling"].IsBool() && pool["enableAutoScaling"].BoolValue() && pool["count"].IsNumber() {
			pool["count"] = resource.NewNumberProperty(pool["count"].NumberValue() + autoscaledBy)
		}
	}
	upgrade := func(pm resource.PropertyMap, key, currentKey string) {
		v := pm[resource.PropertyKey(key)]
		if !v.IsString() {
			return
		}
		parts := strings.Split(v.StringValue(), ".")
		current := strings.Join(append(parts[:2], upgradedPatch), ".")
		if outputs {
			pm[resource.PropertyKey(currentKey)] = resource.NewStringProperty(current)
		}
		if len(parts) == 3 {
			// A pinned patch is moved past by the upgrade: the program would ask to go back.
			pm[resource.PropertyKey(key)] = resource.NewStringProperty(current)
		}
	}
	switch typ {
	case azuretype.ManagedCluster:
		for _, p := range props["agentPoolProfiles"].ArrayValue() {
			autoscale(p.ObjectValue())
			upgrade(p.ObjectValue(), "orchestratorVersion", "currentOrchestratorVersion")
		}
		upgrade(props, "kubernetesVersion", "currentKubernetesVersion")
	case azuretype.AgentPool:
		autoscale(props)
		upgrade(props, "orchestratorVersion", "currentOrchestratorVersion")
	}
	if len(a.opts.PolicyTags) > 0 && azuretype.Table[typ].Taggable {
		tags := resource.PropertyMap{}
		if props["tags"].IsObject() {
			tags = props["tags"].ObjectValue().Copy()
		}
		for k, v := range a.opts.PolicyTags {
			tags[resource.PropertyKey(k)] = resource.NewStringProperty(v)
		}
		props["tags"] = resource.NewObjectProperty(tags)
	}
}
