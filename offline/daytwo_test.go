package offline_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	resources "github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/deploy"
	"github.com/hubspoke/private-aks/internal/mocktest"
	"github.com/hubspoke/private-aks/internal/replaceguard"
	"github.com/hubspoke/private-aks/offline"
)

// Day two through the real engine: the offline Azure takes each operation's scaled time, holds
// Azure's locks (AnotherOperationInProgress on overlap), fails chosen creates the way Azure
// does, and reports Azure's own changes on refresh.

// dnsStacks are the dev stack in each custom DNS mode, as stack files.
var dnsStacks = map[string]string{
	"forwarder": `    zoneMode: custom
    resolver: forwarder
    forwarderSubnet: 10.0.2.0/28
    onPremDomains: [{domain: corp.contoso.com, servers: [172.30.0.10]}]
    onPremRanges: [172.30.0.0/16]
`,
	"resolver": `    zoneMode: custom
    resolver: privateResolver
    resolverInboundSubnet: 10.0.32.0/28
    resolverOutboundSubnet: 10.0.32.16/28
    onPremDomains: [{domain: corp.contoso.com, servers: [172.30.0.10]}]
    onPremRanges: [172.30.0.0/16]
`,
}

func TestEveryStackDeploysWithoutConflictUnderAzuresLocks(t *testing.T) {
	t.Parallel()
	roots := map[string]string{}
	for _, name := range mocktest.StackNames(t) {
		roots[name] = ".."
	}
	for mode, dns := range dnsStacks {
		roots[mode] = editedStack(t, mode, func(dev string) string {
			return strings.Replace(dev, "    zoneMode: system\n", dns, 1)
		})
	}
	for name, root := range roots {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, s := openEngine(t, root, name)
			_, err := s.Up(ctx) // the engine's default parallelism
			require.NoError(t, err)
		})
	}
}

func TestRemovingAnOrderingDependencyGetsTheConflictAzureGives(t *testing.T) {
	t.Parallel()
	// Two VNets peered both ways, as the peering component does, without the DependsOn that puts
	// the second peering after the first. (An engine-side transform cannot drop a DependsOn: the
	// engine keeps the registered dependencies; so the variant is written out.)
	withoutOrder := func(ctx *pulumi.Context) error {
		rg, err := resources.NewResourceGroup(ctx, "rg", &resources.ResourceGroupArgs{ResourceGroupName: pulumi.String("rg-variant")})
		if err != nil {
			return err
		}
		vnet := func(name, cidr string) (*network.VirtualNetwork, error) {
			return network.NewVirtualNetwork(ctx, name, &network.VirtualNetworkArgs{
				ResourceGroupName: rg.Name, VirtualNetworkName: pulumi.String(name),
				AddressSpace: network.AddressSpaceArgs{AddressPrefixes: pulumi.StringArray{pulumi.String(cidr)}},
			})
		}
		hub, err := vnet("vnet-hub", "10.0.0.0/16")
		if err != nil {
			return err
		}
		spoke, err := vnet("vnet-spoke", "10.1.0.0/16")
		if err != nil {
			return err
		}
		for name, pair := range map[string][2]*network.VirtualNetwork{"peer-hub-to-spoke": {hub, spoke}, "peer-spoke-to-hub": {spoke, hub}} {
			if _, err := network.NewVirtualNetworkPeering(ctx, name, &network.VirtualNetworkPeeringArgs{
				ResourceGroupName: rg.Name, VirtualNetworkName: pair[0].Name, VirtualNetworkPeeringName: pulumi.String(name),
				RemoteVirtualNetwork: network.SubResourceArgs{Id: pair[1].ID().ToStringOutput()},
			}); err != nil {
				return err
			}
		}
		return nil
	}
	// Whether the two peerings overlap in time is the engine's choice: the offline Azure refuses
	// them whatever the clock, at a slow Azure minute and at one so fast they never overlap.
	for _, minute := range []time.Duration{400 * time.Millisecond, time.Microsecond} {
		t.Run(minute.String(), func(t *testing.T) {
			t.Parallel()
			ctx, s := openEngineWith(t, offline.Options{RepoRoot: "..", Stack: "dev", Program: withoutOrder,
				Azure: offline.AzureOptions{Minute: minute}})
			_, err := s.Up(ctx)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "AnotherOperationInProgress (HTTP 409 Conflict)")
			assert.Regexp(t, `peer-(spoke-to-hub|hub-to-spoke) cannot start: peer-(hub-to-spoke|spoke-to-hub) also operates on vnet vnet-(hub|spoke) and no dependency orders the two`, err.Error())
		})
	}
}

// stateURNs are the URNs in a session's state.
func stateURNs(t *testing.T, ctx context.Context, s *offline.Session) []string {
	t.Helper()
	deployment, err := s.Export(ctx)
	require.NoError(t, err)
	st, err := offline.ParseState(deployment)
	require.NoError(t, err)
	var urns []string
	for _, r := range st.Resources {
		urns = append(urns, r.URN)
	}
	slices.Sort(urns)
	return urns
}

func TestAFailedCreateConvergesOnTheNextUp(t *testing.T) {
	t.Parallel()
	var clean []string
	for _, r := range mocktest.RunStack(t, "dev").Resources {
		clean = append(clean, r.URN)
	}
	clean = append(clean, "urn:pulumi:dev::hubspoke::pulumi:pulumi:Stack::hubspoke-dev")
	slices.Sort(clean)
	for name, code := range map[string]string{
		"cluster":                          "CreateVMSSAgentPoolFailed",
		"cluster-network-contributor-vnet": "PrincipalNotFound",
		"firewall":                         "InternalServerError",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, s := openEngineWith(t, offline.Options{RepoRoot: "..", Stack: "dev", Azure: offline.AzureOptions{FailFirstCreate: []string{name}}})
			i := slices.IndexFunc(clean, func(urn string) bool { return strings.HasSuffix(urn, "::"+name) })
			require.NotEqual(t, -1, i, "%s is a resource of the dev stack", name)
			failed := clean[i]
			_, err := s.Up(ctx)
			require.Error(t, err, "the first up fails")
			assert.Contains(t, err.Error(), code)
			assert.NotContains(t, stateURNs(t, ctx, s), failed, "the failed resource is not in the state")

			_, err = s.Up(ctx)
			require.NoError(t, err, "the second up converges")
			assert.Equal(t, clean, stateURNs(t, ctx, s), "the same resources as a clean run: nothing duplicated, nothing left behind")

			changes, err := s.Preview(ctx)
			require.NoError(t, err)
			onlyOps(t, changes, apitype.OpSame)
		})
	}
}

// findState is a resource's outputs in a session's state, by type and logical name.
func findState(t *testing.T, ctx context.Context, s *offline.Session, typ, name string) map[string]any {
	t.Helper()
	deployment, err := s.Export(ctx)
	require.NoError(t, err)
	st, err := offline.ParseState(deployment)
	require.NoError(t, err)
	for _, r := range st.Resources {
		if r.Type == typ && strings.HasSuffix(r.URN, "::"+name) {
			return r.Outputs
		}
	}
	require.Failf(t, "not in the state", "%s %s", typ, name)
	return nil
}

func TestAfterAzuresOwnChangesARefreshedPreviewIsEmpty(t *testing.T) {
	t.Parallel()
	policyTags := map[string]string{"createdOn": "2026-11-26"}
	t.Run("autoscaler and patch auto-upgrade", func(t *testing.T) {
		t.Parallel()
		ctx, s := openEngine(t, "..", "dev")
		_, err := s.Up(ctx)
		require.NoError(t, err)
		require.NoError(t, s.Refresh(ctx))
		cluster := findState(t, ctx, s, azuretype.ManagedCluster, "cluster")
		assert.Equal(t, "1.36.3", cluster["currentKubernetesVersion"], "auto-upgrade installed a patch")
		assert.Equal(t, "1.36", cluster["kubernetesVersion"], "the MAJOR.MINOR alias stays")
		assert.EqualValues(t, 3, cluster["agentPoolProfiles"].([]any)[0].(map[string]any)["count"], "the autoscaler added a system node")
		assert.EqualValues(t, 2, findState(t, ctx, s, azuretype.AgentPool, "cluster-user-pool")["count"], "and a user node")
		changes, err := s.Preview(ctx)
		require.NoError(t, err)
		onlyOps(t, changes, apitype.OpSame)
	})
	t.Run("tags an Azure Policy adds, left to it", func(t *testing.T) {
		t.Parallel()
		ctx, s := openEngineWith(t, offline.Options{RepoRoot: "..", Stack: "dev", Azure: offline.AzureOptions{PolicyTags: policyTags}})
		require.NoError(t, s.SetConfig(ctx, offline.Project+":policyManagedTags[0]", "createdOn"))
		_, err := s.Up(ctx)
		require.NoError(t, err)
		require.NoError(t, s.Refresh(ctx))
		assert.Equal(t, "2026-11-26", findState(t, ctx, s, azuretype.VNet, "hub-vnet")["tags"].(map[string]any)["createdOn"])
		changes, err := s.Preview(ctx)
		require.NoError(t, err)
		onlyOps(t, changes, apitype.OpSame)
	})
	t.Run("the same tags without policyManagedTags would be removed on every up", func(t *testing.T) {
		t.Parallel()
		ctx, s := openEngineWith(t, offline.Options{RepoRoot: "..", Stack: "dev", Azure: offline.AzureOptions{PolicyTags: policyTags}})
		_, err := s.Up(ctx)
		require.NoError(t, err)
		require.NoError(t, s.Refresh(ctx))
		changes, err := s.Preview(ctx)
		require.NoError(t, err)
		assert.Positive(t, changes[apitype.OpUpdate], "the emulation bites: %v", changes)
	})
}

func TestPreviewRefusesToReplaceGuardedResourcesButNotATagEdit(t *testing.T) {
	t.Parallel()
	ctx, s := openEngine(t, "..", "dev")
	_, err := s.Up(ctx)
	require.NoError(t, err)

	require.NoError(t, s.SetConfig(ctx, offline.Project+":tags.owner", "another-team"))
	_, steps, err := s.PreviewSteps(ctx)
	require.NoError(t, err)
	assert.NoError(t, replaceguard.Check(steps), "a tag edit replaces nothing")

	require.NoError(t, s.SetConfig(ctx, offline.Project+":namePrefix", "platform"))
	_, steps, err = s.PreviewSteps(ctx)
	require.NoError(t, err)
	err = replaceguard.Check(steps)
	require.Error(t, err, "renaming forces replacements")
	assert.Contains(t, err.Error(), "set HUBSPOKE_ALLOW_REPLACE=true to allow it")
	assert.Contains(t, err.Error(), "cluster (azure-native:containerservice/v20241001:ManagedCluster) is replaced because of")
	assert.Contains(t, err.Error(), "hub-vnet (azure-native:network:VirtualNetwork) is replaced because of resourceGroupName, virtualNetworkName")
}

func TestAKubernetesUpgradeMovesOneMinorAndRebuildsOnlyTheJumpBox(t *testing.T) {
	t.Parallel()
	// dev deployed on 1.35 with kubectl 1.35 on the jump box, then the runbook's next step: 1.36,
	// and kubectl with it (validation keeps kubectl within one minor of the cluster).
	root := editedStack(t, "upgrade", func(dev string) string {
		dev = strings.Replace(dev, `kubernetesVersion: "1.36"`, `kubernetesVersion: "1.35"`, 1)
		return strings.Replace(dev, "  hubspoke:jumpBox:\n", "  hubspoke:jumpBox:\n    kubectlVersion: 1.35.4\n", 1)
	})
	ctx, s := openEngine(t, root, "upgrade")
	_, err := deploy.Run(ctx, s, deploy.Options{Stack: "upgrade"})
	require.NoError(t, err)
	require.NoError(t, s.SetConfig(ctx, offline.Project+":aks.kubernetesVersion", "1.36"))
	require.NoError(t, s.SetConfig(ctx, offline.Project+":jumpBox.kubectlVersion", "1.36.1"))

	_, steps, err := s.PreviewSteps(ctx)
	require.NoError(t, err)
	ops := map[string][]string{} // op -> resource type/name
	for _, st := range steps {
		urn := resource.URN(st.URN)
		ops[st.Op] = append(ops[st.Op], urn.Type().String()+"/"+urn.Name())
	}
	// The cluster and its user pool upgrade in place; the jump box, whose cloud-init pins kubectl,
	// is rebuilt (Azure refuses a change of customData); nothing else is replaced.
	assert.Contains(t, ops[string(apitype.OpUpdate)], azuretype.ManagedCluster+"/cluster")
	assert.Contains(t, ops[string(apitype.OpUpdate)], azuretype.AgentPool+"/cluster-user-pool")
	for _, op := range []apitype.OpType{apitype.OpReplace, apitype.OpCreateReplacement, apitype.OpDeleteReplaced} {
		assert.Equal(t, []string{azuretype.VM + "/hub-jumpbox"}, ops[string(op)], op)
	}
	assert.NoError(t, replaceguard.Check(steps))

	up, err := deploy.Run(ctx, s, deploy.Options{Stack: "upgrade"})
	require.NoError(t, err, "Azure would refuse an in-place change of the jump box's customData")
	assert.Equal(t, "1.36.2", up.Outputs["kubernetesVersion"].Value)

	// Two minors at once is refused before anything runs.
	require.NoError(t, s.SetConfig(ctx, offline.Project+":aks.kubernetesVersion", "1.38"))
	_, err = deploy.Run(ctx, s, deploy.Options{Stack: "upgrade"})
	assert.EqualError(t, err, "aks.kubernetesVersion 1.38 is more than one minor version above the 1.36.2 the cluster runs: AKS upgrades one minor version at a time; deploy 1.37 first")
}

func TestTearingDownProdFollowsTheRunbook(t *testing.T) {
	t.Parallel()
	ctx, s := openEngine(t, "..", "prod")
	_, err := s.Up(ctx)
	require.NoError(t, err)
	vault := findState(t, ctx, s, azuretype.Vault, "vault")["name"]
	deployment, err := s.Export(ctx)
	require.NoError(t, err)
	st, err := offline.ParseState(deployment)
	require.NoError(t, err)
	before := len(st.Resources)
	// Prod's maintenance windows follow the user pool, one after the other (AKS runs one
	// operation on a cluster at a time), and so lengthen the critical path by 2 x 10 s.
	model, err := offline.DeployModel(st)
	require.NoError(t, err)
	assert.Contains(t, model.Summary(), "critical path 25m5s\n  hub-rg -> firewall-policy -> firewall-network-rules -> firewall-application-rules -> firewall -> "+
		"firewall-default-route -> cluster -> cluster-user-pool -> cluster-aksManagedAutoUpgradeSchedule -> cluster-aksManagedNodeOSUpgradeSchedule\n")

	// protect: true makes the destroy's preview refuse, before anything is deleted.
	err = s.Destroy(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nothing was deleted")
	assert.Contains(t, err.Error(), "protected")
	deployment, err = s.Export(ctx)
	require.NoError(t, err)
	st, err = offline.ParseState(deployment)
	require.NoError(t, err)
	assert.Equal(t, before, len(st.Resources), "nothing was deleted")

	// The runbook: protection off, up (the state drops the protect flags), destroy.
	require.NoError(t, s.SetConfig(ctx, offline.Project+":protect", "false"))
	_, err = s.Up(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Destroy(ctx))
	deployment, err = s.Export(ctx)
	require.NoError(t, err)
	st, err = offline.ParseState(deployment)
	require.NoError(t, err)
	assert.Empty(t, st.Resources, "destroy leaves an empty state")

	// The vault's name stays taken while it is soft-deleted (prod: 90 days, purge protection on).
	_, err = s.Up(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ConflictError: A vault with the same name already exists in deleted state")
	// A new generation names a new vault.
	require.NoError(t, s.SetConfig(ctx, offline.Project+":keyVault.generation", "2"))
	_, err = s.Up(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, vault, findState(t, ctx, s, azuretype.Vault, "vault")["name"])
}
