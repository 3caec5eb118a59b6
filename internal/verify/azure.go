package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
)

// aksServerApp is the Entra ID application of every AKS cluster's API server: an AKS run command
// on a cluster with Entra ID integration and local accounts off carries a token for it
// (clusterToken), as `az aks command invoke` and Azure PowerShell's Invoke-AzAksRunCommand do.
const aksServerApp = "6dae42f8-4368-4678-94ff-3960e28e3630"

// Azure runs the scripts through Azure's run-command APIs: the VM run command on the jump box
// (POST .../virtualMachines/{vm}/runCommand, RunShellScript) and the AKS run command
// (POST .../managedClusters/{cluster}/runCommand), each a long-running operation polled until done
// or until Timeout.
type Azure struct {
	Target     Target
	VMs        *armcompute.VirtualMachinesClient
	Clusters   *armcontainerservice.ManagedClustersClient
	Credential azcore.TokenCredential
	Poll       time.Duration
	Timeout    time.Duration
}

// OnJumpBox runs the script on the jump box and returns what it printed on stdout.
func (a *Azure) OnJumpBox(ctx context.Context, script string) (string, error) {
	poller, err := a.VMs.BeginRunCommand(ctx, a.Target.HubResourceGroup, a.Target.JumpBox, armcompute.RunCommandInput{
		CommandID: to.Ptr("RunShellScript"),
		Script:    []*string{&script},
	}, nil)
	if err != nil {
		return "", explain("the jump box's run command", err)
	}
	res, err := wait(ctx, poller, a.Poll, a.Timeout)
	if err != nil {
		return "", explain("the jump box's run command", err)
	}
	// Linux answers with one status whose message holds both streams: "Enable succeeded:
	// \n[stdout]\n...\n[stderr]\n..." (Microsoft Learn, "Run scripts in your Linux VM by using
	// action Run Commands").
	if len(res.Value) == 0 || res.Value[0].Message == nil {
		return "", errors.New("the jump box's run command returned no output")
	}
	msg := *res.Value[0].Message
	_, out, ok := strings.Cut(msg, "[stdout]\n")
	if !ok {
		return "", fmt.Errorf("the jump box's run command answered %q", msg)
	}
	out, _, _ = strings.Cut(out, "[stderr]")
	return out, nil
}

// InCluster runs the command in the cluster and returns its logs.
func (a *Azure) InCluster(ctx context.Context, command string) (string, error) {
	token, err := a.Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{aksServerApp + "/.default"}})
	if err != nil {
		return "", fmt.Errorf("a token for the cluster's API server: %w", err)
	}
	poller, err := a.Clusters.BeginRunCommand(ctx, a.Target.SpokeResourceGroup, a.Target.Cluster, armcontainerservice.RunCommandRequest{
		Command:      &command,
		ClusterToken: &token.Token,
	}, nil)
	if err != nil {
		return "", explain("the cluster's run command", err)
	}
	res, err := wait(ctx, poller, a.Poll, a.Timeout)
	if err != nil {
		return "", explain("the cluster's run command", err)
	}
	p := res.Properties
	if p == nil {
		return "", errors.New("the cluster's run command returned no result")
	}
	if state := deref(p.ProvisioningState); state != "Succeeded" {
		return "", fmt.Errorf("the cluster's run command ended %s: %s", state, deref(p.Reason))
	}
	logs := deref(p.Logs)
	if p.ExitCode != nil && *p.ExitCode != 0 {
		return logs, fmt.Errorf("the cluster's run command exited %d: %s", *p.ExitCode, lastLine(logs))
	}
	return logs, nil
}

// errTooLong is a run command still running at the time limit.
var errTooLong = errors.New("did not finish in time")

// wait polls until the operation is done, for at most limit; the limit is checked between polls,
// so that no request is cut off halfway.
func wait[T any](ctx context.Context, p *runtime.Poller[T], every, limit time.Duration) (T, error) {
	var zero T
	deadline := time.Now().Add(limit)
	for !p.Done() {
		if time.Now().After(deadline) {
			return zero, fmt.Errorf("%w (%s)", errTooLong, limit)
		}
		if _, err := p.Poll(ctx); err != nil {
			return zero, err
		}
		select {
		case <-ctx.Done():
			return zero, ctx.Err()
		case <-time.After(every):
		}
	}
	return p.Result(ctx)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// explain names Azure's error code (AuthorizationFailed, Conflict, ...).
func explain(what string, err error) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return fmt.Errorf("%s: %s (HTTP %d)", what, re.ErrorCode, re.StatusCode)
	}
	return fmt.Errorf("%s: %w", what, err)
}
