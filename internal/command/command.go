// Package command runs the external tools the project's commands call (az, pulumi) the one way
// that keeps their failures readable: the error names the command and carries what the tool wrote
// on standard error, which is where it says why ("Please run 'az login'", "The subscription is not
// registered to use namespace ...").
package command

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Output runs name with args and returns its standard output.
func Output(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err == nil {
		return out, nil
	}
	line := strings.Join(append([]string{name}, args...), " ")
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out, fmt.Errorf("%s: %w: %s", line, err, strings.TrimSpace(stderr.String()))
	}
	return out, fmt.Errorf("%s: %w", line, err)
}
