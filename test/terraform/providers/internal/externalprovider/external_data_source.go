package externalprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

type externalDataSource struct{}

var _ datasource.DataSource = externalDataSource{}

func newExternalDataSource() datasource.DataSource { return externalDataSource{} }

type externalModel struct {
	Program    types.List   `tfsdk:"program"`
	WorkingDir types.String `tfsdk:"working_dir"`
	Query      types.Map    `tfsdk:"query"`
	Result     types.Map    `tfsdk:"result"`
	ID         types.String `tfsdk:"id"`
}

func (externalDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	// The data source is named after the provider itself: data "external" "x".
	resp.TypeName = req.ProviderTypeName
}

func (externalDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The `external` data source allows an external program implementing a specific protocol " +
			"(defined below) to act as a data source, exposing arbitrary data for use elsewhere in the Terraform configuration.\n\n" +
			"**Warning** This mechanism is provided as an \"escape hatch\" for exceptional situations where a first-class Terraform provider " +
			"is not more appropriate. Its capabilities are limited in comparison to a true data source, and implementing a data source via " +
			"an external program is likely to hurt the portability of your Terraform configuration by creating dependencies on external " +
			"programs and libraries that may not be available (or may need to be used differently) on different operating systems.\n\n" +
			"**Warning** Terraform Enterprise does not guarantee availability of any particular language runtimes or external programs " +
			"beyond standard shell utilities, so it is not recommended to use this data source within configurations that are applied " +
			"within Terraform Enterprise.",
		Attributes: map[string]schema.Attribute{
			"program": schema.ListAttribute{
				Description: "A list of strings, whose first element is the program to run and whose subsequent elements are " +
					"optional command line arguments to the program. Terraform does not execute the program through a shell, " +
					"so it is not necessary to escape shell metacharacters nor add quotes around arguments containing spaces.",
				ElementType: types.StringType,
				Required:    true,
				Validators:  []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"working_dir": schema.StringAttribute{
				Description: "Working directory of the program. If not supplied, the program will run in the current directory.",
				Optional:    true,
			},
			"query": schema.MapAttribute{
				Description: "A map of string values to pass to the external program as the query arguments. " +
					"If not supplied, the program will receive an empty object as its input.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"result": schema.MapAttribute{
				Description: "A map of string values returned from the external program.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"id": schema.StringAttribute{
				Description: "The id of the data source. This will always be set to `-`",
				Computed:    true,
			},
		},
	}
}

// The diagnostics below reproduce the released provider's summaries and details word for word
// (including the doubled sentence in the lookup failure), so tests that match on them hold for both.
const (
	lookupFailedDetail = "The data source received an unexpected error while attempting to parse the query. " +
		"The data source received an unexpected error while attempting to find the program.\n\n" +
		"The program must be accessible according to the platform where Terraform is running.\n\n" +
		"If the expected program should be automatically found on the platform where Terraform is running, ensure that the program is in an expected directory. " +
		"On Unix-based platforms, these directories are typically searched based on the '$PATH' environment variable. " +
		"On Windows-based platforms, these directories are typically searched based on the '%PATH%' environment variable.\n\n" +
		"If the expected program is relative to the Terraform configuration, it is recommended that the program name includes the interpolated value of 'path.module' before the program name " +
		"to ensure that it is compatible with varying module usage. For example: \"${path.module}/my-program\"\n\n" +
		"The program must also be executable according to the platform where Terraform is running. " +
		"On Unix-based platforms, the file on the filesystem must have the executable bit set. On Windows-based platforms, no action is typically necessary.\n"
	badResultDetail = "The data source received unexpected results after executing the program.\n\n" +
		"Program output must be a JSON encoded map of string keys and string values.\n\n" +
		"If the error is unclear, the output can be viewed by enabling Terraform's logging at TRACE level. " +
		"Terraform documentation on logging: https://www.terraform.io/internals/debugging\n"
)

func (externalDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m externalModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var rawProgram []types.String
	resp.Diagnostics.Append(m.Program.ElementsAs(ctx, &rawProgram, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Null and empty elements are dropped rather than passed as empty arguments.
	argv := make([]string, 0, len(rawProgram))
	for _, a := range rawProgram {
		if !a.IsNull() && a.ValueString() != "" {
			argv = append(argv, a.ValueString())
		}
	}
	if len(argv) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("program"), "External Program Missing",
			"The data source was configured without a program to execute. Verify the configuration contains at least one non-empty value.")
		return
	}

	var rawQuery map[string]types.String
	resp.Diagnostics.Append(m.Query.ElementsAs(ctx, &rawQuery, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Null values are left out of the object, as in 2.3.2 and later.
	query := map[string]string{}
	for k, v := range rawQuery {
		if !v.IsNull() {
			query[k] = v.ValueString()
		}
	}
	stdin, err := json.Marshal(query)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("query"), "Query Handling Failed",
			"The data source received an unexpected error while attempting to parse the query. "+
				"This is always a bug in the external provider code and should be reported to the provider developers."+
				fmt.Sprintf("\n\nError: %s", err))
		return
	}

	// No shell: the first element is the executable, looked up on PATH when it has no slash.
	// A relative path resolving in the current directory is allowed (Go's ErrDot), as upstream.
	if _, err := exec.LookPath(argv[0]); err != nil && !errors.Is(err, exec.ErrDot) {
		resp.Diagnostics.AddAttributeError(path.Root("program"), "External Program Lookup Failed",
			lookupFailedDetail+
				fmt.Sprintf("\nPlatform: %s", runtime.GOOS)+
				// types.String prints quoted (`"name"`, or <null>), as the released diagnostic shows it.
				fmt.Sprintf("\nProgram: %s", rawProgram[0])+
				fmt.Sprintf("\nError: %s", err))
		return
	}

	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if errors.Is(cmd.Err, exec.ErrDot) {
		cmd.Err = nil
	}
	// Empty means the provider's own working directory, which Terraform sets to its own.
	cmd.Dir = m.WorkingDir.ValueString()
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr

	tflog.Trace(ctx, "Executing external program", map[string]interface{}{"program": cmd.String()})
	stdout, err := cmd.Output()
	tflog.Trace(ctx, "Executed external program", map[string]interface{}{
		"program": cmd.String(), "output": string(stdout), "stderr": stderr.String(),
	})

	if err != nil {
		if stderr.Len() > 0 {
			resp.Diagnostics.AddAttributeError(path.Root("program"), "External Program Execution Failed",
				"The data source received an unexpected error while attempting to execute the program."+
					fmt.Sprintf("\n\nProgram: %s", cmd.Path)+
					fmt.Sprintf("\nError Message: %s", stderr.String())+
					fmt.Sprintf("\nState: %s", err))
			return
		}
		resp.Diagnostics.AddAttributeError(path.Root("program"), "External Program Execution Failed",
			"The data source received an unexpected error while attempting to execute the program.\n\n"+
				"The program was executed, however it returned no additional error messaging."+
				fmt.Sprintf("\n\nProgram: %s", cmd.Path)+
				fmt.Sprintf("\nState: %s", err))
		return
	}

	// Decoding into map[string]string is the protocol check itself: a non-object, or any
	// non-string value, is an error (and `null` decodes to an empty map, as upstream).
	result := map[string]string{}
	if err := json.Unmarshal(stdout, &result); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("program"), "Unexpected External Program Results",
			badResultDetail+
				fmt.Sprintf("\nProgram: %s", cmd.Path)+
				fmt.Sprintf("\nResult Error: %s", err))
		return
	}

	resultValue, diags := types.MapValueFrom(ctx, types.StringType, result)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Result = resultValue
	m.ID = types.StringValue("-")
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
