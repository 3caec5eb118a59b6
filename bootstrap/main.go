// The bootstrap's Pulumi program (bootstrap/Pulumi.yaml): see package program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/bootstrap/program"
)

func main() {
	pulumi.Run(program.Program)
}
