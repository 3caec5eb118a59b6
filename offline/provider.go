package offline

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/providertest/providers"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	rpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/hubspoke/private-aks/internal/azuremock"
	"github.com/hubspoke/private-aks/internal/azuretype"
)

var marshalOptions = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}

// startMockProvider serves an azure-native stand-in on a local port until ctx ends. It answers
// like Azure through azuremock, the same code the unit tests' mocks use, and behaves like Azure
// through a: time, locks, failures and Azure's own changes.
func startMockProvider(ctx context.Context, a *azure) (string, error) {
	factory := providers.ProviderMockFactory(providers.ProviderMocks{
		Configure: func(context.Context, *rpc.ConfigureRequest) (*rpc.ConfigureResponse, error) {
			return &rpc.ConfigureResponse{AcceptSecrets: true, AcceptResources: true}, nil
		},
		DiffConfig: func(_ context.Context, in *rpc.DiffRequest) (*rpc.DiffResponse, error) {
			return diff(in, nil)
		},
		Diff: func(_ context.Context, in *rpc.DiffRequest) (*rpc.DiffResponse, error) {
			return diff(in, replaceKeys(resource.URN(in.GetUrn()).Type().String()))
		},
		Create: func(_ context.Context, in *rpc.CreateRequest) (*rpc.CreateResponse, error) {
			id, state, err := a.apply(in.GetUrn(), in.GetProperties(), !in.GetPreview(), true)
			if err != nil {
				return nil, err
			}
			return &rpc.CreateResponse{Id: id, Properties: state}, nil
		},
		Update: func(_ context.Context, in *rpc.UpdateRequest) (*rpc.UpdateResponse, error) {
			if !in.GetPreview() { // azure-native previews the update; Azure refuses it
				if err := refuseChange(in); err != nil {
					return nil, err
				}
			}
			_, state, err := a.apply(in.GetUrn(), in.GetNews(), !in.GetPreview(), false)
			if err != nil {
				return nil, err
			}
			return &rpc.UpdateResponse{Properties: state}, nil
		},
		Read: func(_ context.Context, in *rpc.ReadRequest) (*rpc.ReadResponse, error) {
			return a.read(in)
		},
		Delete: func(_ context.Context, in *rpc.DeleteRequest) (*emptypb.Empty, error) {
			a.cloud.Delete(in.GetId())
			return &emptypb.Empty{}, nil
		},
		Invoke: func(_ context.Context, in *rpc.InvokeRequest) (*rpc.InvokeResponse, error) {
			if in.GetTok() != azuremock.ClientConfigFunction {
				return nil, fmt.Errorf("mock provider: unexpected invoke %s", in.GetTok())
			}
			out, err := plugin.MarshalProperties(a.cloud.ClientConfig(), marshalOptions)
			return &rpc.InvokeResponse{Return: out}, err
		},
		GetPluginInfo: func(context.Context, *emptypb.Empty) (*rpc.PluginInfo, error) {
			return &rpc.PluginInfo{Version: "2.90.0"}, nil
		},
	})
	ports, err := providers.StartProviders(ctx, map[providers.ProviderName]providers.ProviderFactory{"azure-native": factory}, nil)
	if err != nil {
		return "", err
	}
	return providers.GetDebugProvidersEnv(ports), nil
}

// apply answers a create or update: in a preview, Azure's answer alone; otherwise the operation
// as the offline Azure runs it (checks, locks, time, an injected failure).
func (a *azure) apply(urn string, properties *structpb.Struct, live, creating bool) (string, *structpb.Struct, error) {
	inputs, err := plugin.UnmarshalProperties(properties, marshalOptions)
	if err != nil {
		return "", nil, err
	}
	typ := resource.URN(urn).Type().String()
	var id string
	var state resource.PropertyMap
	if live {
		id, state, err = a.operate(urn, typ, inputs, creating)
	} else {
		id, state, err = a.cloud.Answer(typ, inputs, true)
	}
	if err != nil {
		return "", nil, err
	}
	out, err := plugin.MarshalProperties(state, marshalOptions)
	return id, out, err
}

// read answers a refresh: the resource as Azure has it now, with Azure's own changes.
func (a *azure) read(in *rpc.ReadRequest) (*rpc.ReadResponse, error) {
	typ := resource.URN(in.GetUrn()).Type().String()
	resp := &rpc.ReadResponse{Id: in.GetId()}
	for _, part := range []struct {
		from    *structpb.Struct
		to      **structpb.Struct
		outputs bool
	}{{in.GetProperties(), &resp.Properties, true}, {in.GetInputs(), &resp.Inputs, false}} {
		props, err := plugin.UnmarshalProperties(part.from, marshalOptions)
		if err != nil {
			return nil, err
		}
		a.drift(typ, props, part.outputs)
		if *part.to, err = plugin.MarshalProperties(props, marshalOptions); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// immutable are the inputs Azure refuses to change on a resource that exists, by type: an update
// of one fails, where azure-native previews it as an update (pulumi-azure-native#577).
var immutable = map[string][]string{
	// "PropertyChangeNotAllowed: Changing property 'customData' is not allowed." (HTTP 409;
	// Azure/azure-sdk-for-java#1912), and likewise the admin user, computer name and SSH keys:
	// the whole osProfile is set once, at creation.
	azuretype.VM: {"osProfile"},
}

// refuseChange fails an update that changes an input Azure does not let change.
func refuseChange(in *rpc.UpdateRequest) error {
	typ := resource.URN(in.GetUrn()).Type().String()
	if len(immutable[typ]) == 0 {
		return nil
	}
	olds, err := plugin.UnmarshalProperties(in.GetOldInputs(), marshalOptions)
	if err != nil {
		return err
	}
	news, err := plugin.UnmarshalProperties(in.GetNews(), marshalOptions)
	if err != nil {
		return err
	}
	for _, key := range immutable[typ] {
		k := resource.PropertyKey(key)
		if !olds[k].DeepEquals(news[k]) {
			return fmt.Errorf("PropertyChangeNotAllowed (HTTP 409 Conflict): %s: Changing property '%s' is not allowed", resource.URN(in.GetUrn()).Name(), key)
		}
	}
	return nil
}

// replaceKeys are the inputs whose change replaces a resource in azure-native: its Azure name,
// the names of its parents, its resource group and its location.
func replaceKeys(typ string) func(key string) bool {
	return func(key string) bool {
		return key == azuretype.Table[typ].NameInput || key == "location" || strings.HasSuffix(key, "Name")
	}
}

// diff compares old and new inputs key by key; replaces says which changed keys force a replace.
func diff(in *rpc.DiffRequest, replaces func(string) bool) (*rpc.DiffResponse, error) {
	olds, err := plugin.UnmarshalProperties(in.GetOldInputs(), marshalOptions)
	if err != nil {
		return nil, err
	}
	news, err := plugin.UnmarshalProperties(in.GetNews(), marshalOptions)
	if err != nil {
		return nil, err
	}
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	resp := &rpc.DiffResponse{Changes: rpc.DiffResponse_DIFF_NONE}
	for k := range keys {
		if olds[k].DeepEquals(news[k]) {
			continue
		}
		resp.Changes = rpc.DiffResponse_DIFF_SOME
		resp.Diffs = append(resp.Diffs, string(k))
		if replaces != nil && replaces(string(k)) {
			resp.Replaces = append(resp.Replaces, string(k))
		}
	}
	sort.Strings(resp.Diffs)
	sort.Strings(resp.Replaces)
	return resp, nil
}
