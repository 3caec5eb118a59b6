package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"
	computefake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	aksfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6/fake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/hubspoke/private-aks/internal/verify"
)

// A deployment as the dev stack's outputs describe it.
const (
	apiServer = "aks-hubspoke-dev-3f2a1b9c.8d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a.privatelink.westeurope.azmk8s.io"
	registry  = "crhubspokedev4c7e21.azurecr.io"
	vaultHost = "kv-hubspoke-dev-4c7e21.vault.azure.net"
	// What Azure Firewall sends back for a denied HTTP request (Microsoft Learn, "Azure Firewall
	// application rules").
	firewallDeny = "HTTP  request from 10.1.0.37:50400 to example.com:80. Action: Deny. Reason: No rule matched. Proceeding with default action."
)

func target() verify.Target {
	return verify.Target{
		HubResourceGroup: "rg-hubspoke-dev-hub", JumpBox: "vm-hubspoke-dev-jump",
		SpokeResourceGroup: "rg-hubspoke-dev-spoke", Cluster: "aks-hubspoke-dev",
		APIServer: apiServer, Spoke: netip.MustParsePrefix("10.1.0.0/16"),
		Registry: registry, VaultURI: "https://" + vaultHost + "/", RegistryImage: "nginx:1",
	}
}

// world is the deployment the fake run commands run the scripts against: the shell scripts the
// checks send run for real in a shell interpreter, with the network's answers (DNS, TCP, HTTP,
// kubectl) simulated here.
type world struct {
	jumpBoxDNS, podDNS  map[string]string            // name -> IPv4 address
	resolvers           map[string]map[string]string // DNS server -> name -> address
	open                map[string]bool              // names that accept TCP 443
	web                 map[string][2]string         // URL -> HTTP status, body
	nodes               []string                     // "name Ready-status"
	images              []string                     // what the registry holds
	refuseVM, refuseAKS string                       // ARM error code of a refused run command (HTTP 403)
	aksFailed           string                       // a run command that ended Failed, with this reason
	stuck               bool                         // run commands that never finish

	mu       sync.Mutex
	scopes   []string
	requests []string
}

func healthy() *world {
	return &world{
		jumpBoxDNS: map[string]string{apiServer: "10.1.0.100"},
		podDNS:     map[string]string{apiServer: "10.1.0.100", registry: "10.1.3.5", vaultHost: "10.1.3.6"},
		open:       map[string]bool{apiServer: true},
		web: map[string][2]string{
			"https://mcr.microsoft.com/v2/": {"401", `{"errors":[{"code":"UNAUTHORIZED"}]}`},
			"http://example.com/":           {"470", firewallDeny},
		},
		nodes:  []string{"aks-system-12345678-vmss000000 True", "aks-user-12345678-vmss000000 True"},
		images: []string{registry + "/nginx:1"},
	}
}

// run runs a script in a shell interpreter where the network's commands answer from the world.
func (w *world) run(ctx context.Context, script string, dns map[string]string) (string, string, error) {
	file, err := syntax.NewParser().Parse(strings.NewReader(script), "")
	if err != nil {
		return "", "", err
	}
	var stdout, stderr bytes.Buffer
	runner, err := interp.New(interp.StdIO(nil, &stdout, &stderr), interp.ExecHandlers(func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			hc := interp.HandlerCtx(ctx)
			return w.command(ctx, hc.Stdout, args, dns, next)
		}
	}))
	if err != nil {
		return "", "", err
	}
	err = runner.Run(ctx, file)
	return stdout.String(), stderr.String(), err
}

func (w *world) command(ctx context.Context, out interface{ Write([]byte) (int, error) }, args []string, dns map[string]string, next interp.ExecHandlerFunc) error {
	switch args[0] {
	case "getent": // getent ahostsv4 NAME
		addr, ok := dns[args[2]]
		if !ok {
			return interp.ExitStatus(2)
		}
		fmt.Fprintf(out, "%s STREAM %s\n%s DGRAM\n", addr, args[2], addr)
	case "dig": // dig +short @SERVER NAME A
		fmt.Fprintln(out, w.resolvers[strings.TrimPrefix(args[2], "@")][args[3]])
	case "timeout": // timeout 5 bash -c '</dev/tcp/NAME/443'
		name := strings.TrimSuffix(strings.TrimPrefix(args[4], "</dev/tcp/"), "/443")
		if !w.open[name] {
			return interp.ExitStatus(124)
		}
	case "curl":
		return w.curl(out, args)
	case "kubectl":
		return w.kubectl(ctx, out, args)
	default:
		return next(ctx, args) // awk, tr, tail: the real tools
	}
	return nil
}

// curl answers from the web: the body unless -o /dev/null, then the -w format.
func (w *world) curl(out interface{ Write([]byte) (int, error) }, args []string) error {
	answer, ok := w.web[args[len(args)-1]]
	if !ok {
		answer = [2]string{"000", ""}
	}
	if !slices.Contains(args, "/dev/null") {
		fmt.Fprint(out, answer[1])
	}
	if i := slices.Index(args, "-w"); i >= 0 {
		fmt.Fprint(out, strings.ReplaceAll(args[i+1], "%{http_code}", answer[0]))
	}
	if answer[0] == "000" {
		return interp.ExitStatus(28)
	}
	return nil
}

// kubectl answers the cluster's part: the nodes, the egress pod (its script runs with the pods'
// resolver) and the pull of an image.
func (w *world) kubectl(ctx context.Context, out interface{ Write([]byte) (int, error) }, args []string) error {
	switch {
	case args[1] == "get" && args[2] == "nodes":
		for _, n := range w.nodes {
			fmt.Fprintln(out, n)
		}
	case args[1] == "run" && args[2] == "hubspoke-verify-egress":
		stdout, _, err := w.run(ctx, args[len(args)-1], w.podDNS)
		fmt.Fprint(out, stdout)
		return err
	case args[1] == "run":
		w.mu.Lock()
		w.requests = append(w.requests, "pull "+strings.TrimPrefix(args[3], "--image="))
		w.mu.Unlock()
	case args[1] == "get" && args[2] == "pod":
		if slices.Contains(w.images, strings.TrimPrefix(w.requests[len(w.requests)-1], "pull ")) {
			fmt.Fprint(out, "Succeeded ")
		} else {
			fmt.Fprint(out, "Pending ErrImagePull")
		}
	}
	return nil
}

// refusal is how Azure refuses a run command: the permission the world withholds (HTTP 403), or
// a resource the request does not name rightly (HTTP 404).
func refusal(refuse string, named bool) (int, string) {
	switch {
	case refuse != "":
		return http.StatusForbidden, refuse
	case !named:
		return http.StatusNotFound, "ResourceNotFound"
	}
	return 0, ""
}

// scopeRecorder is a credential that records the scopes it is asked for.
type scopeRecorder struct{ w *world }

func (s scopeRecorder) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	s.w.scopes = append(s.w.scopes, o.Scopes...)
	return azcore.AccessToken{Token: "token-for-" + strings.Join(o.Scopes, ","), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// azure are the run-command clients against the Azure SDK for Go's fake servers, answering from
// the world in the shapes Azure documents.
func (w *world) azure(t *testing.T, tg verify.Target) *verify.Azure {
	t.Helper()
	vms := computefake.VirtualMachinesServer{
		BeginRunCommand: func(ctx context.Context, rg, vm string, in armcompute.RunCommandInput, _ *armcompute.VirtualMachinesClientBeginRunCommandOptions) (resp azfake.PollerResponder[armcompute.VirtualMachinesClientRunCommandResponse], errResp azfake.ErrorResponder) {
			if status, code := refusal(w.refuseVM, rg == "rg-hubspoke-dev-hub" && vm == "vm-hubspoke-dev-jump" && *in.CommandID == "RunShellScript"); status != 0 {
				errResp.SetResponseError(status, code)
				return
			}
			stdout, stderr, err := w.run(ctx, *in.Script[0], w.jumpBoxDNS)
			require.NoError(t, err)
			w.pending(&resp)
			// Linux: one status whose message holds stdout and stderr.
			resp.SetTerminalResponse(http.StatusOK, armcompute.VirtualMachinesClientRunCommandResponse{RunCommandResult: armcompute.RunCommandResult{
				Value: []*armcompute.InstanceViewStatus{{
					Code: to.Ptr("ProvisioningState/succeeded"), Level: to.Ptr(armcompute.StatusLevelTypesInfo), DisplayStatus: to.Ptr("Provisioning succeeded"),
					Message: to.Ptr("Enable succeeded: \n[stdout]\n" + stdout + "\n[stderr]\n" + stderr),
				}},
			}}, nil)
			return
		},
	}
	clusters := aksfake.ManagedClustersServer{
		BeginRunCommand: func(ctx context.Context, rg, name string, in armcontainerservice.RunCommandRequest, _ *armcontainerservice.ManagedClustersClientBeginRunCommandOptions) (resp azfake.PollerResponder[armcontainerservice.ManagedClustersClientRunCommandResponse], errResp azfake.ErrorResponder) {
			if status, code := refusal(w.refuseAKS, rg == "rg-hubspoke-dev-spoke" && name == "aks-hubspoke-dev"); status != 0 {
				errResp.SetResponseError(status, code)
				return
			}
			if in.ClusterToken == nil || *in.ClusterToken != "token-for-6dae42f8-4368-4678-94ff-3960e28e3630/.default" {
				// Entra ID clusters without local accounts refuse a command without the token.
				errResp.SetResponseError(http.StatusBadRequest, "BadRequest")
				return
			}
			props := &armcontainerservice.CommandResultProperties{ProvisioningState: to.Ptr("Succeeded"), ExitCode: to.Ptr[int32](0)}
			if w.aksFailed != "" {
				props = &armcontainerservice.CommandResultProperties{ProvisioningState: to.Ptr("Failed"), Reason: to.Ptr(w.aksFailed)}
			} else {
				logs, _, err := w.run(ctx, *in.Command, nil)
				require.NoError(t, err)
				props.Logs = &logs
			}
			w.pending(&resp)
			resp.SetTerminalResponse(http.StatusOK, armcontainerservice.ManagedClustersClientRunCommandResponse{RunCommandResult: armcontainerservice.RunCommandResult{
				ID: to.Ptr("0a1b2c3d4e5f"), Properties: props,
			}}, nil)
			return
		},
	}
	options := &arm.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: computefake.NewVirtualMachinesServerTransport(&vms)}}
	vmClient, err := armcompute.NewVirtualMachinesClient("11111111-2222-3333-4444-555555555555", &azfake.TokenCredential{}, options)
	require.NoError(t, err)
	options = &arm.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: aksfake.NewManagedClustersServerTransport(&clusters)}}
	aksClient, err := armcontainerservice.NewManagedClustersClient("11111111-2222-3333-4444-555555555555", &azfake.TokenCredential{}, options)
	require.NoError(t, err)
	return &verify.Azure{Target: tg, VMs: vmClient, Clusters: aksClient, Credential: scopeRecorder{w}, Poll: time.Millisecond, Timeout: 200 * time.Millisecond}
}

// pending makes a run command take a few polls, or never finish.
func (w *world) pending(resp interface {
	AddNonTerminalResponse(int, *azfake.AddNonTerminalResponseOptions)
}) {
	polls := 2
	if w.stuck {
		polls = 100000
	}
	for range polls {
		resp.AddNonTerminalResponse(http.StatusAccepted, nil)
	}
}

// verdicts are the checks as name -> pass.
func verdicts(checks []verify.Check) map[string]bool {
	out := map[string]bool{}
	for _, c := range checks {
		out[c.Name] = c.Pass
	}
	return out
}

func TestAHealthyDeploymentPassesEveryCheck(t *testing.T) {
	w := healthy()
	checks := verify.Run(context.Background(), target(), w.azure(t, target()))
	assert.Equal(t, map[string]bool{
		"jumpbox-resolves-api-server": true, "jumpbox-reaches-api-server": true,
		"nodes-ready": true, "pod-reaches-allowed-fqdn": true, "firewall-denies-other-fqdn": true,
		"pod-resolves-" + registry + "-privately": true, "pod-resolves-" + vaultHost + "-privately": true,
		"pod-pulls-from-registry": true,
	}, verdicts(checks))
	assert.True(t, verify.Passed(checks))
	evidence := map[string]string{}
	for _, c := range checks {
		evidence[c.Name] = c.Evidence
	}
	assert.Equal(t, "10.1.0.100, in the spoke 10.1.0.0/16", evidence["jumpbox-resolves-api-server"])
	assert.Equal(t, "2 nodes Ready", evidence["nodes-ready"])
	assert.Equal(t, "http://example.com/: "+firewallDeny+" HTTP 470", evidence["firewall-denies-other-fqdn"])
	assert.Equal(t, []string{"6dae42f8-4368-4678-94ff-3960e28e3630/.default"}, w.scopes, "the AKS server app's token, for the run command")
}

func TestEachBrokenClaimFailsItsOwnCheck(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(w *world)
		fails   []string
	}{
		{"the hub is not linked to the zone: public DNS answers", func(w *world) { w.jumpBoxDNS[apiServer] = "20.50.2.7" }, []string{"jumpbox-resolves-api-server"}},
		{"the zone has no record", func(w *world) { delete(w.jumpBoxDNS, apiServer) }, []string{"jumpbox-resolves-api-server"}},
		{"no route over the peering", func(w *world) { w.open[apiServer] = false }, []string{"jumpbox-reaches-api-server"}},
		{"a node is not Ready", func(w *world) { w.nodes[1] = "aks-user-12345678-vmss000000 False" }, []string{"nodes-ready"}},
		{"no nodes", func(w *world) { w.nodes = nil }, []string{"nodes-ready"}},
		{"the firewall blocks AKS's own registry", func(w *world) { delete(w.web, "https://mcr.microsoft.com/v2/") }, []string{"pod-reaches-allowed-fqdn"}},
		{"egress bypasses the firewall", func(w *world) {
			w.web["http://example.com/"] = [2]string{"200", "<title>Example Domain</title>"}
		}, []string{"firewall-denies-other-fqdn"}},
		{"denied traffic gets no answer at all", func(w *world) { delete(w.web, "http://example.com/") }, []string{"firewall-denies-other-fqdn"}},
		{"the registry resolves publicly", func(w *world) { w.podDNS[registry] = "20.61.99.1" }, []string{"pod-resolves-" + registry + "-privately"}},
		{"the vault resolves nowhere", func(w *world) { delete(w.podDNS, vaultHost) }, []string{"pod-resolves-" + vaultHost + "-privately"}},
		{"the image is not in the registry", func(w *world) { w.images = nil }, []string{"pod-pulls-from-registry"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := healthy()
			tc.breakIt(w)
			checks := verify.Run(context.Background(), target(), w.azure(t, target()))
			var failed []string
			for _, c := range checks {
				if !c.Pass {
					failed = append(failed, c.Name)
				}
			}
			assert.Equal(t, tc.fails, failed)
			assert.False(t, verify.Passed(checks))
		})
	}
}

func TestEachResolverMustAnswerTheClusterZoneAndForwardOnPremises(t *testing.T) {
	tg := target()
	tg.DNSServers, tg.OnPremName = []string{"10.0.2.4", "10.0.2.5"}, "dc01.corp.contoso.com"
	w := healthy()
	w.resolvers = map[string]map[string]string{
		"10.0.2.4": {apiServer: "10.1.0.100", "dc01.corp.contoso.com": "172.30.0.10"},
		"10.0.2.5": {apiServer: "10.1.0.100"}, // its on-premises forwarder is missing
	}
	checks := verify.Run(context.Background(), tg, w.azure(t, tg))
	v := verdicts(checks)
	assert.True(t, v["resolver-10.0.2.4-answers-cluster-zone"])
	assert.True(t, v["resolver-10.0.2.5-answers-cluster-zone"])
	assert.True(t, v["resolver-10.0.2.4-forwards-on-premises"])
	assert.False(t, v["resolver-10.0.2.5-forwards-on-premises"])
}

func TestARunCommandThatCannotRunFailsItsChecksWithTheReason(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(w *world)
		evidence map[string]string // check -> evidence
	}{
		{"no permission on the jump box", func(w *world) { w.refuseVM = "AuthorizationFailed" }, map[string]string{
			"jumpbox-resolves-api-server": "could not run: the jump box's run command: AuthorizationFailed (HTTP 403)",
			"jumpbox-reaches-api-server":  "could not run: the jump box's run command: AuthorizationFailed (HTTP 403)",
		}},
		{"no permission on the cluster", func(w *world) { w.refuseAKS = "AuthorizationFailed" }, map[string]string{
			"nodes-ready":             "could not run: the cluster's run command: AuthorizationFailed (HTTP 403)",
			"pod-pulls-from-registry": "could not run: the cluster's run command: AuthorizationFailed (HTTP 403)",
		}},
		{"the cluster's command failed", func(w *world) { w.aksFailed = "command pod could not be scheduled" }, map[string]string{
			"nodes-ready": "could not run: the cluster's run command ended Failed: command pod could not be scheduled",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := healthy()
			tc.edit(w)
			checks := verify.Run(context.Background(), target(), w.azure(t, target()))
			for _, c := range checks {
				if want, ok := tc.evidence[c.Name]; ok {
					assert.False(t, c.Pass, c.Name)
					assert.Equal(t, want, c.Evidence, c.Name)
				}
			}
		})
	}
	t.Run("a run command that never finishes", func(t *testing.T) {
		w := healthy()
		w.stuck = true
		checks := verify.Run(context.Background(), target(), w.azure(t, target()))
		for _, c := range checks {
			assert.False(t, c.Pass, c.Name)
			assert.Contains(t, c.Evidence, "run command: did not finish in time (200ms)", c.Name)
		}
	})
}

func TestTheReportReadsAsATableAndAsJSON(t *testing.T) {
	checks := []verify.Check{{Name: "nodes-ready", Pass: true, Evidence: "2 nodes Ready"}, {Name: "jumpbox-reaches-api-server", Evidence: "TCP 443: closed"}}
	var table, js bytes.Buffer
	require.NoError(t, verify.Table(&table, checks))
	assert.Equal(t, "CHECK                       RESULT  EVIDENCE\nnodes-ready                 pass    2 nodes Ready\njumpbox-reaches-api-server  FAIL    TCP 443: closed\n", table.String())
	require.NoError(t, verify.JSON(&js, checks))
	var back []verify.Check
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Equal(t, checks, back)
	assert.False(t, verify.Passed(nil), "no checks is not a pass")
}
