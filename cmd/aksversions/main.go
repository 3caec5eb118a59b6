// Command aksversions fails when a stack's aks.kubernetesVersion is not offered, with standard
// support, in the stack's region. The pipelines run it before every preview:
//
//	go run ./cmd/aksversions -stack dev                       # asks `az aks get-versions`
//	go run ./cmd/aksversions -stack dev -versions list.json   # a saved listing
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/hubspoke/private-aks/internal/aksversions"
)

func main() {
	stack := flag.String("stack", "", "stack name: reads Pulumi.<stack>.yaml")
	versions := flag.String("versions", "", "a saved `az aks get-versions -o json` listing instead of asking Azure")
	flag.Parse()
	if err := run(*stack, *versions); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(stack, versionsFile string) error {
	if stack == "" {
		return fmt.Errorf("usage: aksversions -stack <name> [-versions <file>]")
	}
	st, err := aksversions.ReadStack("Pulumi." + stack + ".yaml")
	if err != nil {
		return err
	}
	if versionsFile == "" {
		err = aksversions.Ask(context.Background(), st)
	} else {
		var listing []byte
		if listing, err = os.ReadFile(versionsFile); err == nil {
			err = aksversions.Check(st, listing)
		}
	}
	if err != nil {
		return err
	}
	fmt.Printf("%s: Kubernetes %s is offered in %s\n", st.File, st.KubernetesVersion, st.Location)
	return nil
}
