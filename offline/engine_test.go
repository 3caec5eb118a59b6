package offline_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/deploy"
	"github.com/hubspoke/private-aks/internal/mocktest"
	"github.com/hubspoke/private-aks/offline"
	"github.com/hubspoke/private-aks/stack"
)

// The engine tests run stack.Program through the real Pulumi CLI and engine (make pulumi builds
// it) against the mock azure-native provider, each in its own temporary backend.
const engineTimeout = 5 * time.Minute

func openEngine(t *testing.T, repoRoot, stackName string) (context.Context, *offline.Session) {
	return openEngineWith(t, offline.Options{RepoRoot: repoRoot, Stack: stackName})
}

// openEngineWith opens a session, for the main program with the policy pack on every preview
// and up.
func openEngineWith(t *testing.T, opts offline.Options) (context.Context, *offline.Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), engineTimeout)
	t.Cleanup(cancel)
	cli, err := offline.FindCLI("..")
	require.NoError(t, err, "`make test-deps` builds the pinned CLI into bin/")
	opts.CLI, opts.StateDir = cli, t.TempDir()
	if opts.Project == "" { // the main program's pack; the bootstrap is another project
		opts.PolicyPack = policyPack(t)
	}
	s, err := offline.Open(ctx, opts)
	require.NoError(t, err)
	return ctx, s
}

var (
	packOnce sync.Once
	packPath string
	packErr  error
)

// policyPack builds the pack from this tree, once per test run, so the engine runs what ships.
func policyPack(t *testing.T) string {
	t.Helper()
	packOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hubspoke-policy-")
		if err != nil {
			packErr = err
			return
		}
		packPath = filepath.Join(dir, "hubspoke-policy")
		out, err := exec.Command("go", "build", "-o", packPath, "../cmd/policy").CombinedOutput()
		if err != nil {
			packErr = fmt.Errorf("go build ./cmd/policy: %w: %s", err, out)
			return
		}
		meta, err := os.ReadFile("../policy/PulumiPolicy.yaml")
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "PulumiPolicy.yaml"), meta, 0o644)
		}
		packErr = err
	})
	require.NoError(t, packErr)
	return packPath
}

// onlyOps requires that a change summary holds no operation but the allowed ones.
func onlyOps(t *testing.T, changes map[apitype.OpType]int, allowed ...apitype.OpType) {
	t.Helper()
	for op, n := range changes {
		if n > 0 {
			assert.Contains(t, allowed, op, "unexpected %d %s in %v", n, op, changes)
		}
	}
}

func TestEngineRunsTheDevStack(t *testing.T) {
	t.Parallel()
	ctx, s := openEngine(t, "..", "dev")
	mocked := mocktest.RunStack(t, "dev")

	changes, err := s.Preview(ctx)
	require.NoError(t, err)
	// Every resource the program registers, plus the stack itself.
	assert.Equal(t, len(mocked.Resources)+1, changes[apitype.OpCreate], "creates in %v", changes)
	onlyOps(t, changes, apitype.OpCreate)

	up, err := s.Up(ctx)
	require.NoError(t, err)
	fqdn, _ := up.Outputs["clusterPrivateFqdn"].Value.(string)
	assert.True(t, strings.HasSuffix(fqdn, ".privatelink.westeurope.azmk8s.io"), fqdn)
	assert.Contains(t, up.Outputs["verifyDnsFromJumpBox"].Value, "nslookup "+fqdn)

	deployment, err := s.Export(ctx)
	require.NoError(t, err)
	st, err := offline.ParseState(deployment)
	require.NoError(t, err)
	firewallIP := mocktest.Str(resource.NewPropertyMapFromMap(findType(t, st, azuretype.Firewall).Outputs), "ipConfigurations", 0, "privateIPAddress")
	require.NotEmpty(t, firewallIP, "the offline Azure gave the firewall its address")
	assert.Equal(t, firewallIP, up.Outputs["firewallPrivateIp"].Value)

	t.Run("exported state has every parent and dependency", func(t *testing.T) {
		byURN := map[string]offline.StateResource{}
		for _, r := range st.Resources {
			byURN[r.URN] = r
		}
		customs := 0
		for _, r := range st.Resources {
			if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
				continue
			}
			customs++
			parent, ok := byURN[r.Parent]
			require.True(t, ok, "%s has its parent in the state", r.URN)
			assert.True(t, strings.HasPrefix(parent.Type, "hubspoke:"), "%s is parented to a component", r.URN)
			for _, dep := range r.Dependencies {
				assert.Contains(t, byURN, dep, "%s depends on a resource in the state", r.URN)
			}
			assert.NotEmpty(t, r.Inputs, "%s has inputs", r.URN)
			assert.NotEmpty(t, r.Outputs, "%s has outputs", r.URN)
		}
		want := 0
		for _, r := range mocked.Resources {
			if r.Custom && r.Type != azuretype.Provider {
				want++
			}
		}
		assert.Equal(t, want, customs, "every custom resource the program registers is in the state")
		cluster := findType(t, st, azuretype.ManagedCluster)
		assert.GreaterOrEqual(t, len(cluster.Dependencies), 8, "the cluster's explicit and data dependencies are recorded")
	})

	t.Run("deploy-time model follows the unavoidable chain", func(t *testing.T) {
		model, err := offline.DeployModel(st)
		require.NoError(t, err)
		var chain []string
		for _, step := range model.CriticalPath {
			chain = append(chain, step.Type)
		}
		assert.Equal(t, []string{
			azuretype.ResourceGroup, azuretype.FirewallPolicy, azuretype.RuleCollectionGroup, azuretype.RuleCollectionGroup, azuretype.Firewall, azuretype.Route,
			azuretype.ManagedCluster, azuretype.AgentPool,
		}, chain, model.String())
		assert.Less(t, model.Length, model.SerialSum)
	})

	t.Run("committed topology picture is current", func(t *testing.T) {
		committed, err := os.ReadFile(filepath.Join("..", "docs", offline.TopologyFile))
		require.NoError(t, err)
		assert.Equal(t, string(committed), offline.TopologyDOT(st), "docs/topology.dot is stale: run `make topology`")
	})

	t.Run("second preview changes nothing", func(t *testing.T) {
		changes, err := s.Preview(ctx)
		require.NoError(t, err)
		onlyOps(t, changes, apitype.OpSame)
	})

	t.Run("a tag edit previews as updates only", func(t *testing.T) {
		require.NoError(t, s.SetConfig(ctx, offline.Project+":tags.owner", "another-team"))
		changes, err := s.Preview(ctx)
		require.NoError(t, err)
		assert.Positive(t, changes[apitype.OpUpdate], "tagged resources update: %v", changes)
		onlyOps(t, changes, apitype.OpSame, apitype.OpUpdate)
	})
}

func findType(t *testing.T, st offline.State, typ string) offline.StateResource {
	t.Helper()
	for _, r := range st.Resources {
		if r.Type == typ {
			return r
		}
	}
	require.Failf(t, "resource type not in state", "%s", typ)
	return offline.StateResource{}
}

// editedStack writes a project folder holding Pulumi.yaml and a copy of Pulumi.dev.yaml, edited,
// as stack name; it returns the folder.
func editedStack(t *testing.T, name string, edit func(string) string) string {
	t.Helper()
	root := t.TempDir()
	project, err := os.ReadFile(filepath.Join("..", "Pulumi.yaml"))
	require.NoError(t, err)
	dev, err := os.ReadFile(filepath.Join("..", "Pulumi.dev.yaml"))
	require.NoError(t, err)
	edited := edit(string(dev))
	require.NotEqual(t, string(dev), edited, "the edit applies")
	require.NoError(t, os.WriteFile(filepath.Join(root, "Pulumi.yaml"), project, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "Pulumi."+name+".yaml"), []byte(edited), 0o644))
	return root
}

func TestEveryStackFileLoadsWithTheCLIAndPassesValidation(t *testing.T) {
	t.Parallel()
	for _, name := range mocktest.StackNames(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, s := openEngine(t, "..", name)
			cfg, err := s.Config(ctx)
			require.NoError(t, err, "pulumi config --stack %s", name)
			assert.Equal(t, name, cfg[offline.Project+":environment"].Value)
			changes, err := s.Preview(ctx)
			require.NoError(t, err, "the program's validation through the engine")
			assert.Positive(t, changes[apitype.OpCreate])
		})
	}
}

func TestStackFileMissingARequiredKeyFails(t *testing.T) {
	t.Parallel()
	root := editedStack(t, "nokey", func(dev string) string {
		head, _, _ := strings.Cut(dev, "  hubspoke:jumpBox:")
		return head
	})
	ctx, s := openEngine(t, root, "nokey")
	_, err := s.Preview(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "hubspoke:jumpBox")
}

func TestEngineRejectsBadConfigAndWritesNothing(t *testing.T) {
	t.Parallel()
	root := editedStack(t, "broken", func(dev string) string {
		return strings.Replace(dev, "addressSpace: 10.1.0.0/16", "addressSpace: 10.0.0.0/16", 1)
	})
	ctx, s := openEngine(t, root, "broken")
	_, err := s.Up(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spoke.addressSpace: 10.0.0.0/16 overlaps hub.addressSpace 10.0.0.0/16")

	deployment, err := s.Export(ctx)
	require.NoError(t, err)
	st, err := offline.ParseState(deployment)
	require.NoError(t, err)
	for _, r := range st.Resources {
		assert.Equal(t, "pulumi:pulumi:Stack", r.Type, "only the stack itself may be in the state, found %s", r.URN)
	}
}

func TestPolicyPackStopsABrokenResourceBeforeAzureCreatesIt(t *testing.T) {
	t.Parallel()
	// The shipped program plus one NSG that admits SSH from the internet: Azure (and the offline
	// Azure) would create it; only the policy pack's nsg-no-ssh-rdp-from-anywhere stops it.
	broken := func(ctx *pulumi.Context) error {
		if err := stack.Program(ctx); err != nil {
			return err
		}
		_, err := network.NewNetworkSecurityGroup(ctx, "broken-nsg", &network.NetworkSecurityGroupArgs{
			ResourceGroupName:        pulumi.String("rg-hubspoke-dev-hub"),
			NetworkSecurityGroupName: pulumi.String("nsg-broken"),
			SecurityRules: network.SecurityRuleTypeArray{network.SecurityRuleTypeArgs{
				Name: pulumi.String("ssh"), Priority: pulumi.Int(100), Direction: pulumi.String("Inbound"), Access: pulumi.String("Allow"),
				Protocol: pulumi.String("Tcp"), SourceAddressPrefix: pulumi.String("Internet"),
				SourcePortRange: pulumi.String("*"), DestinationAddressPrefix: pulumi.String("*"), DestinationPortRange: pulumi.String("22"),
			}},
			Tags: pulumi.StringMap{"environment": pulumi.String("dev"), "managedBy": pulumi.String("pulumi")},
		})
		return err
	}
	const verdict = "[mandatory]  nsg-no-ssh-rdp-from-anywhere  (azure-native:network:NetworkSecurityGroup: broken-nsg)"
	for name, run := range map[string]func(context.Context, *offline.Session) error{
		"preview": func(ctx context.Context, s *offline.Session) error { _, err := s.Preview(ctx); return err },
		"up":      func(ctx context.Context, s *offline.Session) error { _, err := s.Up(ctx); return err },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var engineOutput strings.Builder
			ctx, s := openEngineWith(t, offline.Options{RepoRoot: "..", Stack: "dev", Program: broken, Progress: &engineOutput})
			require.Error(t, run(ctx, s), "a mandatory violation fails the %s", name)
			out := engineOutput.String()
			require.Contains(t, out, "Policies:")
			report := out[strings.Index(out, "Policies:"):]
			assert.Contains(t, report, verdict)
			assert.Contains(t, report, "rule ssh admits SSH or RDP from anywhere")
			deployment, err := s.Export(ctx)
			require.NoError(t, err)
			st, err := offline.ParseState(deployment)
			require.NoError(t, err)
			for _, r := range st.Resources {
				assert.NotEqual(t, "urn:pulumi:dev::hubspoke::azure-native:network:NetworkSecurityGroup::broken-nsg", r.URN, "the offline Azure never created it")
			}
		})
	}
}

func TestTheOneDeploymentRunsThroughTheEngineAndRefusesCIWithoutAdminGroups(t *testing.T) {
	t.Parallel()
	// deploy.Run is what cmd/deploy runs against Azure; here against the offline Azure, reading
	// the stack's config through the real CLI (`pulumi config --json`).
	ctx, dev := openEngine(t, "..", "dev")
	_, err := deploy.Run(ctx, dev, deploy.Options{Stack: "dev", NonInteractive: true})
	require.Error(t, err, "dev names no admin group")
	assert.Contains(t, err.Error(), "stack dev: aks.adminGroupObjectIds is empty")
	deployment, err := dev.Export(ctx)
	require.NoError(t, err)
	st, err := offline.ParseState(deployment)
	require.NoError(t, err)
	assert.Empty(t, st.Resources, "refused before up")

	ctx, prod := openEngine(t, "..", "prod")
	up, err := deploy.Run(ctx, prod, deploy.Options{Stack: "prod", NonInteractive: true})
	require.NoError(t, err, "prod names its admin group")
	assert.Positive(t, (*up.Summary.ResourceChanges)["create"])
}

func TestTheOfflineRunReportsInShortAndItsCountsAgree(t *testing.T) {
	t.Parallel()
	cli, err := offline.FindCLI("..")
	require.NoError(t, err, "`make test-deps` builds the pinned CLI into bin/")
	ctx, cancel := context.WithTimeout(context.Background(), engineTimeout)
	defer cancel()
	var report bytes.Buffer
	opts := offline.Options{RepoRoot: "..", Stack: "dev", CLI: cli, StateDir: t.TempDir(), PolicyPack: policyPack(t)}
	require.NoError(t, offline.Run(ctx, opts, t.TempDir(), &report, false))
	out := report.String()

	assert.True(t, strings.HasPrefix(out, "NOTHING IS DEPLOYED."), "it says so first:\n%s", out)
	assert.NotContains(t, out, "Previewing update", "the engine's own output only with -v")
	number := func(pattern string) string {
		m := regexp.MustCompile(pattern).FindStringSubmatch(out)
		require.NotNil(t, m, "%s in:\n%s", pattern, out)
		return m[1]
	}
	assert.Equal(t, number(`Preview: (\d+) create`), number(`Up: (\d+) create`))
	assert.Equal(t, number(`Up: (\d+) create`), number(`Resources: (\d+) =`), "the census counts what the engine created")
	assert.Equal(t, number(`= (\d+) Azure resources`), number(`Deploy-time model \((\d+) Azure resources`), "and what the model counts")
	// The critical path README gives for dev.
	assert.Contains(t, out, "critical path 24m45s\n  hub-rg -> firewall-policy -> firewall-network-rules -> firewall-application-rules -> firewall -> firewall-default-route -> cluster -> cluster-user-pool\n")
	assert.Contains(t, out, "Stack outputs:\n")
	assert.Contains(t, out, "Placeholders for what Azure computes:\n")
}
