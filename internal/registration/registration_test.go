package registration_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armfeatures"
	featuresfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armfeatures/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	resourcesfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3/fake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/registration"
)

// subscription is what the Azure SDK's fake servers answer from: each provider's and feature's
// registration state, as the REST API reports it (NotRegistered, Registering, Registered), and
// the codes Azure refuses a registration with.
type subscription struct {
	mu         sync.Mutex
	state      map[string]string // namespace, or namespace/feature
	refuse     map[string]string // what to refuse -> ARM error code (HTTP 403)
	registered []string          // POST .../register calls, in order
	stuck      bool              // registrations never finish
}

func (s *subscription) get(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	state := s.state[key]
	if state == "Registering" && !s.stuck {
		s.state[key] = "Registered" // the next read finds it done
	}
	return state
}

func (s *subscription) register(key string) (code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registered = append(s.registered, key)
	if code := s.refuse[key]; code != "" {
		return code
	}
	if s.state[key] != "Registered" {
		s.state[key] = "Registering"
	}
	return ""
}

func (s *subscription) registrar(t *testing.T, report *strings.Builder) registration.Registrar {
	t.Helper()
	providers := resourcesfake.ProvidersServer{
		Get: func(_ context.Context, ns string, _ *armresources.ProvidersClientGetOptions) (resp azfake.Responder[armresources.ProvidersClientGetResponse], errResp azfake.ErrorResponder) {
			state := s.get(ns)
			resp.SetResponse(http.StatusOK, armresources.ProvidersClientGetResponse{Provider: armresources.Provider{Namespace: &ns, RegistrationState: &state}}, nil)
			return
		},
		Register: func(_ context.Context, ns string, _ *armresources.ProvidersClientRegisterOptions) (resp azfake.Responder[armresources.ProvidersClientRegisterResponse], errResp azfake.ErrorResponder) {
			if code := s.register(ns); code != "" {
				errResp.SetResponseError(http.StatusForbidden, code)
				return
			}
			resp.SetResponse(http.StatusOK, armresources.ProvidersClientRegisterResponse{Provider: armresources.Provider{Namespace: &ns}}, nil)
			return
		},
	}
	features := featuresfake.Server{
		Get: func(_ context.Context, ns, name string, _ *armfeatures.ClientGetOptions) (resp azfake.Responder[armfeatures.ClientGetResponse], errResp azfake.ErrorResponder) {
			state := s.get(ns + "/" + name)
			resp.SetResponse(http.StatusOK, armfeatures.ClientGetResponse{FeatureResult: armfeatures.FeatureResult{Name: &name,
				Properties: &armfeatures.FeatureProperties{State: &state}}}, nil)
			return
		},
		Register: func(_ context.Context, ns, name string, _ *armfeatures.ClientRegisterOptions) (resp azfake.Responder[armfeatures.ClientRegisterResponse], errResp azfake.ErrorResponder) {
			if code := s.register(ns + "/" + name); code != "" {
				errResp.SetResponseError(http.StatusForbidden, code)
				return
			}
			resp.SetResponse(http.StatusOK, armfeatures.ClientRegisterResponse{}, nil)
			return
		},
	}
	const subscriptionID = "11111111-2222-3333-4444-555555555555"
	options := func(transport policy.Transporter) *arm.ClientOptions {
		return &arm.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: transport}}
	}
	providersClient, err := armresources.NewProvidersClient(subscriptionID, &azfake.TokenCredential{}, options(resourcesfake.NewProvidersServerTransport(&providers)))
	require.NoError(t, err)
	featuresClient, err := armfeatures.NewClient(subscriptionID, &azfake.TokenCredential{}, options(featuresfake.NewServerTransport(&features)))
	require.NoError(t, err)
	return registration.Registrar{Providers: providersClient, Features: featuresClient, Poll: time.Millisecond, Patience: 50 * time.Millisecond, Report: report}
}

func TestRegistersWhatIsMissingAndLeavesWhatIsRegistered(t *testing.T) {
	sub := &subscription{state: map[string]string{
		"Microsoft.Network": "Registered", "Microsoft.ContainerService": "NotRegistered", "Microsoft.Compute": "Registered",
		"Microsoft.Compute/EncryptionAtHost": "NotRegistered",
	}}
	var report strings.Builder
	err := sub.registrar(t, &report).Ensure(context.Background(), []string{"Microsoft.Network", "Microsoft.ContainerService"},
		[]azuretype.Feature{{Namespace: "Microsoft.Compute", Name: "EncryptionAtHost"}})
	require.NoError(t, err)
	// A feature's provider is registered again so that it picks the feature up.
	assert.Equal(t, []string{"Microsoft.ContainerService", "Microsoft.Compute/EncryptionAtHost", "Microsoft.Compute"}, sub.registered)
	assert.Equal(t, "Microsoft.Network: registered already\nMicrosoft.ContainerService: registered\nMicrosoft.Compute/EncryptionAtHost: registered\n", report.String())
	assert.Equal(t, "Registered", sub.state["Microsoft.ContainerService"])
}

func TestARefusedRegistrationNamesAzuresErrorCode(t *testing.T) {
	sub := &subscription{
		state:  map[string]string{"Microsoft.KeyVault": "NotRegistered", "Microsoft.Network": "NotRegistered"},
		refuse: map[string]string{"Microsoft.KeyVault": "AuthorizationFailed"},
	}
	var report strings.Builder
	err := sub.registrar(t, &report).Ensure(context.Background(), []string{"Microsoft.KeyVault", "Microsoft.Network"}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "registering Microsoft.KeyVault: AuthorizationFailed (HTTP 403)")
	assert.Equal(t, "Registered", sub.state["Microsoft.Network"], "one refusal does not stop the others")
}

func TestARegistrationThatDoesNotFinishIsReported(t *testing.T) {
	sub := &subscription{state: map[string]string{"Microsoft.ContainerService": "NotRegistered"}, stuck: true}
	var report strings.Builder
	err := sub.registrar(t, &report).Ensure(context.Background(), []string{"Microsoft.ContainerService"}, nil)
	assert.ErrorContains(t, err, "Microsoft.ContainerService is still Registering after 50ms: run again later")
}
