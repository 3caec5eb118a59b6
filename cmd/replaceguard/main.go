// Command replaceguard fails when a preview would replace the cluster, a VNet, the firewall, its
// policy or the private DNS zone, unless HUBSPOKE_ALLOW_REPLACE=true. The pipelines run it on the
// JSON preview:
//
//	pulumi preview --stack dev --json > preview.json && go run ./cmd/replaceguard preview.json
package main

import (
	"fmt"
	"os"

	"github.com/hubspoke/private-aks/internal/replaceguard"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: replaceguard <pulumi preview --json output>")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	steps, err := replaceguard.FromPreviewJSON(data)
	if err != nil {
		return err
	}
	if replaceguard.Allowed() {
		fmt.Printf("%s=true: guarded replacements allowed\n", replaceguard.AllowEnv)
		return nil
	}
	if err := replaceguard.Check(steps); err != nil {
		return err
	}
	fmt.Println("no guarded resource is replaced")
	return nil
}
