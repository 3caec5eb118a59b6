// Package registration registers, in a subscription, the resource providers and features the
// program needs, once, by whoever prepares the subscription: a provider registration is a POST
// with no resource to manage, and azure-native registers a missing provider on the fly only for an
// identity allowed <namespace>/register/action at subscription scope, which the deploy identity is
// not (Microsoft Learn, "Resource providers and types"; ARM: MissingSubscriptionRegistration).
package registration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armfeatures"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hubspoke/private-aks/internal/azuretype"
)

// Registered is the state Azure reports for a registered provider or feature.
const Registered = "Registered"

// Registrar registers through the Azure SDK for Go's clients.
type Registrar struct {
	Providers *armresources.ProvidersClient
	Features  *armfeatures.Client
	// Poll is how often to ask whether a registration has finished, and Patience how long to
	// wait for one (registrations take minutes).
	Poll, Patience time.Duration
	Report         io.Writer
}

// Ensure registers every namespace and feature not registered yet and waits until each is, then
// registers a feature's provider again so the provider picks the feature up (Microsoft Learn, "Set
// up preview features in Azure subscription"). What is registered already is left alone.
func (r Registrar) Ensure(ctx context.Context, namespaces []string, features []azuretype.Feature) error {
	var errs []error
	for _, ns := range namespaces {
		errs = append(errs, r.provider(ctx, ns))
	}
	for _, f := range features {
		if err := r.feature(ctx, f); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, err := r.Providers.Register(ctx, f.Namespace, nil); err != nil {
			errs = append(errs, fmt.Errorf("registering %s again for feature %s: %w", f.Namespace, f.Name, explain(err)))
		}
	}
	return errors.Join(errs...)
}

func (r Registrar) provider(ctx context.Context, ns string) error {
	state := func() (string, error) {
		got, err := r.Providers.Get(ctx, ns, nil)
		if err != nil {
			return "", err
		}
		return deref(got.RegistrationState), nil
	}
	s, err := state()
	if err != nil {
		return fmt.Errorf("reading %s: %w", ns, explain(err))
	}
	if s == Registered {
		fmt.Fprintf(r.Report, "%s: registered already\n", ns)
		return nil
	}
	if _, err := r.Providers.Register(ctx, ns, nil); err != nil {
		return fmt.Errorf("registering %s: %w", ns, explain(err))
	}
	return r.wait(ctx, ns, state)
}

func (r Registrar) feature(ctx context.Context, f azuretype.Feature) error {
	name := f.Namespace + "/" + f.Name
	state := func() (string, error) {
		got, err := r.Features.Get(ctx, f.Namespace, f.Name, nil)
		if err != nil {
			return "", err
		}
		if got.Properties == nil {
			return "", nil
		}
		return deref(got.Properties.State), nil
	}
	s, err := state()
	if err != nil {
		return fmt.Errorf("reading feature %s: %w", name, explain(err))
	}
	if s == Registered {
		fmt.Fprintf(r.Report, "%s: registered already\n", name)
		return nil
	}
	if _, err := r.Features.Register(ctx, f.Namespace, f.Name, nil); err != nil {
		return fmt.Errorf("registering feature %s: %w", name, explain(err))
	}
	return r.wait(ctx, name, state)
}

// wait asks for the state until it is Registered, or Patience runs out.
func (r Registrar) wait(ctx context.Context, what string, state func() (string, error)) error {
	deadline := time.Now().Add(r.Patience)
	for {
		s, err := state()
		if err != nil {
			return fmt.Errorf("reading %s: %w", what, explain(err))
		}
		if s == Registered {
			fmt.Fprintf(r.Report, "%s: registered\n", what)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s is still %s after %s: run again later", what, s, r.Patience)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(r.Poll):
		}
	}
}

// explain gives Azure's error code first: what a person looks up.
func explain(err error) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return fmt.Errorf("%s (HTTP %d): %w", re.ErrorCode, re.StatusCode, err)
	}
	return err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
