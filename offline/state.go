package offline

import (
	"encoding/json"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// State is the part of an exported deployment the reports read.
type State struct {
	Resources []StateResource `json:"resources"`
}

// StateResource is one resource of an exported deployment.
type StateResource struct {
	URN          string         `json:"urn"`
	Type         string         `json:"type"`
	ID           string         `json:"id"`
	Custom       bool           `json:"custom"`
	Parent       string         `json:"parent"`
	Dependencies []string       `json:"dependencies"`
	Inputs       map[string]any `json:"inputs"`
	Outputs      map[string]any `json:"outputs"`
}

// ParseState reads the resources of an exported deployment.
func ParseState(d apitype.UntypedDeployment) (State, error) {
	var st State
	err := json.Unmarshal(d.Deployment, &st)
	return st, err
}
