package offline

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// provisioning is how long Azure takes to create one resource of a type.
type provisioning struct {
	duration time.Duration
	basis    string
}

// Provisioning times per resource type. Microsoft publishes no per-resource creation times for
// these types, so each figure is an estimate, marked as such, from what deployments commonly
// report; the one published figure found is cited. They set the shape of the critical path, not
// a promise of wall time.
var provisioningTimes = map[string]provisioning{
	"azure-native:resources:ResourceGroup":  {5 * time.Second, "estimate"},
	"azure-native:network:VirtualNetwork":   {15 * time.Second, "estimate"},
	"azure-native:network:RouteTable":       {10 * time.Second, "estimate"},
	"azure-native:network:Route":            {10 * time.Second, "estimate"},
	"azure-native:network:PublicIPAddress":  {10 * time.Second, "estimate"},
	"azure-native:network:FirewallPolicy":   {30 * time.Second, "estimate"},
	"azure-native:network:NetworkInterface": {10 * time.Second, "estimate"},
	// "config changes might take five minutes" once a firewall uses the policy
	// (techresolve.blog, 2026-03-07, "Best way to handle Azure firewall config changes"); before the
	// firewall exists a group lands faster: estimate.
	"azure-native:network:FirewallPolicyRuleCollectionGroup": {60 * time.Second, "estimate; 5 min once attached (techresolve.blog 2026-03-07)"},
	"azure-native:network:AzureFirewall":                     {8 * time.Minute, "estimate"},
	"azure-native:network:VirtualNetworkPeering":             {15 * time.Second, "estimate"},
	"azure-native:network:PrivateZone":                       {30 * time.Second, "estimate"},
	"azure-native:network:VirtualNetworkLink":                {45 * time.Second, "estimate"},
	"azure-native:compute:VirtualMachine":                    {2 * time.Minute, "estimate"},
	"azure-native:managedidentity:UserAssignedIdentity":      {10 * time.Second, "estimate"},
	"azure-native:authorization:RoleAssignment":              {10 * time.Second, "estimate"},
	"azure-native:containerservice/v20241001:ManagedCluster": {10 * time.Minute, "estimate"},
	"azure-native:network:NetworkSecurityGroup":              {10 * time.Second, "estimate"},
	"azure-native:compute:AvailabilitySet":                   {5 * time.Second, "estimate"},
	// The run command waits for cloud-init to install BIND once the firewall lets it: estimate.
	"azure-native:compute:VirtualMachineRunCommandByVirtualMachine": {3 * time.Minute, "estimate"},
	"azure-native:network:DnsResolver":                              {1 * time.Minute, "estimate"},
	"azure-native:network:InboundEndpoint":                          {2 * time.Minute, "estimate"},
	"azure-native:network:OutboundEndpoint":                         {2 * time.Minute, "estimate"},
	"azure-native:network:DnsForwardingRuleset":                     {30 * time.Second, "estimate"},
	"azure-native:network:ForwardingRule":                           {10 * time.Second, "estimate"},
	"azure-native:network:PrivateResolverVirtualNetworkLink":        {30 * time.Second, "estimate"},
	"azure-native:operationalinsights:Workspace":                    {1 * time.Minute, "estimate"},
	"azure-native:insights:DiagnosticSetting":                       {10 * time.Second, "estimate"},
	"azure-native:network:BastionHost":                              {8 * time.Minute, "estimate"},
	"azure-native:containerservice/v20241001:AgentPool":             {4 * time.Minute, "estimate"},
	"azure-native:insights:DataCollectionRule":                      {10 * time.Second, "estimate"},
	"azure-native:insights:DataCollectionRuleAssociation":           {10 * time.Second, "estimate"},
}

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
		if _, ok := provisioningTimes[r.Type]; ok {
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
		finish[urn] = start + provisioningTimes[r.Type].duration
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
		m.SerialSum += provisioningTimes[byURN[urn].Type].duration
		if f := visit(urn); f > m.Length {
			m.Length, last = f, urn
		}
	}
	for urn := last; urn != ""; urn = previous[urn] {
		r := byURN[urn]
		m.CriticalPath = append([]Step{{URN: urn, Type: r.Type, Duration: provisioningTimes[r.Type].duration, Finish: finish[urn]}}, m.CriticalPath...)
	}
	return m, nil
}

// String prints the model for people.
func (m Model) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Deploy-time model (%d resources; provisioning times per type are estimates, see offline/model.go)\n", m.Resources)
	fmt.Fprintf(&b, "Critical path:\n")
	for _, s := range m.CriticalPath {
		name := s.URN[strings.LastIndex(s.URN, "::")+2:]
		fmt.Fprintf(&b, "  %8s  +%-6s %-60s %s\n", s.Finish, s.Duration, s.Type, name)
	}
	fmt.Fprintf(&b, "Critical path length: %s\n", m.Length)
	fmt.Fprintf(&b, "Serial sum of all creations: %s (%.1fx the critical path)\n", m.SerialSum, float64(m.SerialSum)/float64(m.Length))
	fmt.Fprintf(&b, "Basis of each figure:\n")
	types := make([]string, 0, len(provisioningTimes))
	for t := range provisioningTimes {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(&b, "  %-60s %8s  %s\n", t, provisioningTimes[t].duration, provisioningTimes[t].basis)
	}
	return b.String()
}
