// Command verify proves the article's claims on a deployed stack (package verify): it reads the
// stack's outputs and runs its checks through Azure's run-command APIs, on the jump box and in the
// cluster, then prints each check with its evidence and fails unless all pass:
//
//	go run ./cmd/verify -stack dev [-json]
//
// Credentials: the Azure CLI login, or the AZURE_* environment variables (azidentity's default).
// The identity needs the VM and AKS run-command actions (Contributor has both) and, for kubectl,
// to be a cluster admin (one of aks.adminGroupObjectIds).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/hubspoke/private-aks/internal/command"
	"github.com/hubspoke/private-aks/internal/verify"
)

func main() {
	stack := flag.String("stack", "", "the stack (org/name for Pulumi Cloud) whose outputs name what to check")
	asJSON := flag.Bool("json", false, "print the checks as JSON, for CI")
	image := flag.String("registry-image", "nginx:1", "an image in the stack's registry for a pod to pull")
	onPrem := flag.String("onprem-name", "", "a name on premises the hub's resolvers must answer (resolver modes)")
	timeout := flag.Duration("timeout", 10*time.Minute, "how long each run command may take")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	passed, err := run(ctx, *stack, *asJSON, *image, *onPrem, *timeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "verify:", err)
		os.Exit(2)
	}
	if !passed {
		os.Exit(1)
	}
}

func run(ctx context.Context, stack string, asJSON bool, image, onPrem string, timeout time.Duration) (bool, error) {
	if stack == "" {
		return false, fmt.Errorf("usage: verify -stack <name> [-json]")
	}
	out, err := command.Output(ctx, "pulumi", "stack", "output", "--json", "--stack", stack)
	if err != nil {
		return false, fmt.Errorf("reading the stack's outputs: %w", err)
	}
	var target verify.Target
	if err := json.Unmarshal(out, &target); err != nil {
		return false, fmt.Errorf("reading the stack's outputs: %w", err)
	}
	if !strings.HasPrefix(target.HubVNetID, "/subscriptions/") {
		return false, fmt.Errorf("the stack's outputs have no hubVnetId: has it been deployed?")
	}
	subscription := strings.Split(target.HubVNetID, "/")[2]
	target.RegistryImage, target.OnPremName = image, onPrem

	credential, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return false, err
	}
	vms, err := armcompute.NewVirtualMachinesClient(subscription, credential, nil)
	if err != nil {
		return false, err
	}
	clusters, err := armcontainerservice.NewManagedClustersClient(subscription, credential, nil)
	if err != nil {
		return false, err
	}
	azure := &verify.Azure{Target: target, VMs: vms, Clusters: clusters, Credential: credential, Poll: 5 * time.Second, Timeout: timeout}
	checks := verify.Run(ctx, target, azure)
	if asJSON {
		err = verify.JSON(os.Stdout, checks)
	} else {
		err = verify.Table(os.Stdout, checks)
	}
	return verify.Passed(checks), err
}
