package offline

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/azuremock"
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

// azure is the state the offline Azure keeps across one session: what exists, the operations of
// the current deployment on each lock domain, and spent failures.
type azure struct {
	opts   AzureOptions
	cloud  *azuremock.Cloud
	mu     sync.Mutex
	run    deployment
	failed map[string]bool // logical names whose injected failure has happened
}

// deployment is one `pulumi up`: the program's dependency graph and the operations started so far
// on each lock domain.
type deployment struct {
	graph    Graph
	graphErr error
	ops      map[string][]holder // lock domain -> operations that took it in this deployment
}

type holder struct {
	urn, name string
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
	return &azure{opts: opts, cloud: azuremock.New(), failed: map[string]bool{}}
}

// begin starts a deployment with the program's dependency graph (or the error computing it).
func (a *azure) begin(graph Graph, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.run = deployment{graph: graph, graphErr: err, ops: map[string][]holder{}}
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
		for _, id := range azuremock.StringsIn(in[resource.PropertyKey(key)]) {
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
		for _, id := range azuremock.StringsIn(in["remoteVirtualNetwork"]) {
			add("vnet "+azureid.NameOf(id), true)
		}
	case azuretype.Firewall:
		for _, id := range azuremock.StringsIn(in["firewallPolicy"]) {
			add("firewall policy "+azureid.NameOf(id), true)
		}
	case azuretype.FirewallPolicy, azuretype.RuleCollectionGroup:
		add("firewall policy "+str("firewallPolicyName"), true)
	case azuretype.ManagedCluster, azuretype.AgentPool, azuretype.MaintenanceConfig:
		// AKS runs one operation on a cluster at a time (OperationNotAllowed while an agent pool
		// operation is in progress); a maintenance configuration is taken to be one (inferred:
		// no report either way, checked 2026-12-06).
		add("cluster "+str("resourceName"), true)
	case azuretype.FederatedCredential:
		// ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity (Microsoft Learn,
		// "Workload identity federation considerations": no concurrent writes on one identity).
		add("identity "+str("resourceName"), true)
	}
	return out
}

// acquire takes an operation's locks, or fails the way ARM does when another operation holds
// one. Whether two operations overlap in time depends on the engine's scheduling, so the offline
// Azure refuses what could overlap: an operation on a lock domain that another operation of this
// deployment took, unless a dependency orders the two. (azure-native retries
// AnotherOperationInProgress; the design must not rely on that.)
func (a *azure) acquire(urn, name string, cs []claim) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(cs) == 0 {
		return nil
	}
	if a.run.graph == nil {
		return fmt.Errorf("offline Azure: no dependency graph for this deployment: %v", a.run.graphErr)
	}
	for _, c := range cs {
		for _, h := range a.run.ops[c.domain] {
			if h.urn == urn || !c.exclusive && !h.exclusive {
				continue
			}
			if ordered, err := a.run.graph.DependsOn(urn, h.urn); err != nil {
				return err
			} else if !ordered {
				return fmt.Errorf("AnotherOperationInProgress (HTTP 409 Conflict): %s cannot start: %s also operates on %s and no dependency orders the two", name, h.name, c.domain)
			}
		}
	}
	for _, c := range cs {
		a.run.ops[c.domain] = append(a.run.ops[c.domain], holder{urn, name, c.exclusive})
	}
	return nil
}

// failures are how Azure fails the creates a run may inject, by type.
var failures = map[string]string{
	azuretype.ManagedCluster: "CreateVMSSAgentPoolFailed: Unable to establish outbound connection from agents; the VM extension failed while the nodes bootstrapped",
	azuretype.RoleAssignment: "PrincipalNotFound: Principal does not exist in the directory; it may not have replicated yet",
	azuretype.Firewall:       "InternalServerError: An error occurred. The operation failed and can be retried",
}

// operate runs one create or update: Azure refuses what it refuses at once (a missing parent or
// reference), then the operation takes its locks and its type's time, and an injected first
// create fails halfway. It returns Azure's answer, recorded once the operation is done.
func (a *azure) operate(urn, typ string, in resource.PropertyMap, creating bool) (string, resource.PropertyMap, error) {
	name := resource.URN(urn).Name()
	if err := a.cloud.Check(typ, in); err != nil {
		return "", nil, err
	}
	if err := a.acquire(urn, name, claims(typ, in)); err != nil {
		return "", nil, err
	}
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
		return "", nil, fmt.Errorf("%s (%s)", message, name)
	}
	time.Sleep(a.duration(typ))
	id, state, err := a.cloud.Answer(typ, in, false)
	switch {
	case err != nil:
	case creating:
		a.cloud.Record(typ, id, state)
	default:
		a.cloud.Updated(typ, id, state)
	}
	return id, state, err
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
