// Package nullprovider re-implements hashicorp/null 3.2.4 (null_resource, null_data_source)
// from its documented schema and behaviour, for tests that cannot download the real provider.
package nullprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

type nullProvider struct{}

var _ provider.Provider = nullProvider{}

// New returns the provider; it has no configuration.
func New() provider.Provider { return nullProvider{} }

func (nullProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "null"
}

func (nullProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (nullProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (nullProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newNullResource}
}

func (nullProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newNullDataSource}
}
