// Command register registers, in a subscription, every resource provider and feature the program
// and the bootstrap need (internal/azuretype: the namespaces of the types they create), and waits
// until each is registered. Run once per subscription by whoever prepares it (it needs
// <namespace>/register/action at subscription scope, e.g. Contributor), before the bootstrap:
//
//	go run ./cmd/register -subscription <subscription-id>
//
// Credentials: the Azure CLI login, or the AZURE_* environment variables (azidentity's default).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armfeatures"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/command"
	"github.com/hubspoke/private-aks/internal/registration"
)

func main() {
	subscription := flag.String("subscription", os.Getenv("AZURE_SUBSCRIPTION_ID"), "the subscription ID (default: AZURE_SUBSCRIPTION_ID, else the Azure CLI's current one)")
	patience := flag.Duration("wait", 15*time.Minute, "how long to wait for each registration")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *subscription, *patience); err != nil {
		fmt.Fprintln(os.Stderr, "register:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, subscription string, patience time.Duration) error {
	if subscription == "" {
		out, err := command.Output(ctx, "az", "account", "show", "--query", "id", "--output", "tsv")
		if err != nil {
			return fmt.Errorf("no -subscription given, and the Azure CLI cannot say which: %w", err)
		}
		subscription = strings.TrimSpace(string(out))
	}
	namespaces := azuretype.Namespaces()
	credential, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return err
	}
	providers, err := armresources.NewProvidersClient(subscription, credential, nil)
	if err != nil {
		return err
	}
	features, err := armfeatures.NewClient(subscription, credential, nil)
	if err != nil {
		return err
	}
	fmt.Printf("subscription %s: registering %s\n", subscription, strings.Join(namespaces, ", "))
	r := registration.Registrar{Providers: providers, Features: features, Poll: 10 * time.Second, Patience: patience, Report: os.Stdout}
	return r.Ensure(ctx, namespaces, azuretype.Features)
}
