// Package externalprovider re-implements hashicorp/external 2.3.5 (the `external` data source)
// from its documented schema and behaviour, for tests that cannot download the real provider.
package externalprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

type externalProvider struct{}

var _ provider.Provider = externalProvider{}

// New returns the provider; it has no configuration.
func New() provider.Provider { return externalProvider{} }

func (externalProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "external"
}

func (externalProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (externalProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (externalProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (externalProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newExternalDataSource}
}
