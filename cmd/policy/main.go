// Command policy serves the program's policy pack (package policy) to the Pulumi engine. Build it
// with `make policy-pack` and pass the binary to a preview or up:
//
//	pulumi preview --policy-pack bin/policy/hubspoke-policy
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/hubspoke/private-aks/policy"
)

func main() {
	if err := policyx.Main(func(*pulumi.Context) (policyx.PolicyPack, error) { return policy.Pack() }); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
