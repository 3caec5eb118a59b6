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
// like Azure through azuremock, the same code the unit tests' mocks use.
func startMockProvider(ctx context.Context) (string, error) {
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
			id, state, err := create(in.GetUrn(), in.GetProperties())
			if err != nil {
				return nil, err
			}
			return &rpc.CreateResponse{Id: id, Properties: state}, nil
		},
		Update: func(_ context.Context, in *rpc.UpdateRequest) (*rpc.UpdateResponse, error) {
			_, state, err := create(in.GetUrn(), in.GetNews())
			if err != nil {
				return nil, err
			}
			return &rpc.UpdateResponse{Properties: state}, nil
		},
		Delete: func(context.Context, *rpc.DeleteRequest) (*emptypb.Empty, error) {
			return &emptypb.Empty{}, nil
		},
		Invoke: func(_ context.Context, in *rpc.InvokeRequest) (*rpc.InvokeResponse, error) {
			if in.GetTok() != azuremock.ClientConfigFunction {
				return nil, fmt.Errorf("mock provider: unexpected invoke %s", in.GetTok())
			}
			out, err := plugin.MarshalProperties(azuremock.ClientConfig(), marshalOptions)
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

func create(urn string, properties *structpb.Struct) (string, *structpb.Struct, error) {
	inputs, err := plugin.UnmarshalProperties(properties, marshalOptions)
	if err != nil {
		return "", nil, err
	}
	id, state, err := azuremock.Create(resource.URN(urn).Type().String(), inputs)
	if err != nil {
		return "", nil, err
	}
	out, err := plugin.MarshalProperties(state, marshalOptions)
	return id, out, err
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
