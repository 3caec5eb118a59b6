// Command hubspoke-aks is the Pulumi program of the hub-spoke private AKS topology.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/stack"
)

func main() {
	pulumi.Run(stack.Program)
}
