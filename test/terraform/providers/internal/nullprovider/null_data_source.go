package nullprovider

import (
	"context"
	"math/rand"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// nullDataSource is deprecated upstream but still shipped in 3.2.4, so configurations using it
// must keep working here too.
type nullDataSource struct{}

var _ datasource.DataSource = nullDataSource{}

func newNullDataSource() datasource.DataSource { return nullDataSource{} }

type nullDataSourceModel struct {
	Inputs             types.Map    `tfsdk:"inputs"`
	Outputs            types.Map    `tfsdk:"outputs"`
	Random             types.String `tfsdk:"random"`
	HasComputedDefault types.String `tfsdk:"has_computed_default"`
	ID                 types.String `tfsdk:"id"`
}

const legacyIDNote = "This attribute is only present for some legacy compatibility issues and should not be used. It will be removed in a future version."

func (nullDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_data_source"
}

func (nullDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		DeprecationMessage: "The null_data_source was historically used to construct intermediate values to re-use elsewhere " +
			"in configuration, the same can now be achieved using locals or the terraform_data resource type in Terraform 1.4 and later.",
		Description: "The `null_data_source` data source implements the standard data source lifecycle but does not\ninteract with any external APIs.\n\n" +
			"Historically, the `null_data_source` was typically used to construct intermediate values to re-use elsewhere in configuration. The\n" +
			"same can now be achieved using [locals](https://developer.hashicorp.com/terraform/language/values/locals) " +
			"or the [terraform_data resource type](https://developer.hashicorp.com/terraform/language/resources/terraform-data) in Terraform 1.4 and later.",
		Attributes: map[string]schema.Attribute{
			"inputs": schema.MapAttribute{
				Description: "A map of arbitrary strings that is copied into the `outputs` attribute, and accessible directly for interpolation.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"outputs": schema.MapAttribute{
				Description: "After the data source is \"read\", a copy of the `inputs` map.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"random": schema.StringAttribute{
				Description: "A random value. This is primarily for testing and has little practical use; prefer the [hashicorp/random provider](https://registry.terraform.io/providers/hashicorp/random) for more practical random number use-cases.",
				Computed:    true,
			},
			"has_computed_default": schema.StringAttribute{
				Description: "If set, its literal value will be stored and returned. If not, its value defaults to `\"default\"`. This argument exists primarily for testing and has little practical use.",
				Optional:    true,
				Computed:    true,
			},
			"id": schema.StringAttribute{
				Description:        legacyIDNote,
				DeprecationMessage: legacyIDNote,
				Computed:           true,
			},
		},
	}
}

func (nullDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m nullDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Outputs = m.Inputs
	m.Random = types.StringValue(strconv.Itoa(rand.Int()))
	if m.HasComputedDefault.IsNull() {
		m.HasComputedDefault = types.StringValue("default")
	}
	m.ID = types.StringValue("static")
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
