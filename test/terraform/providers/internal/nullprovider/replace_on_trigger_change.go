package nullprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// replaceOnTriggerChange forces replacement when `triggers` changes, with the released
// provider's leniency for null values: the SDKv2-era provider dropped null map elements (and
// stored an all-null map as null), so a difference made only of null values is not a change.
type replaceOnTriggerChange struct{}

var _ planmodifier.Map = replaceOnTriggerChange{}

func (replaceOnTriggerChange) Description(context.Context) string {
	return "If the value of this attribute changes, Terraform will destroy and recreate the resource."
}

func (r replaceOnTriggerChange) MarkdownDescription(ctx context.Context) string {
	return r.Description(ctx)
}

func (replaceOnTriggerChange) PlanModifyMap(_ context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	// Create and destroy are not replacements.
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	if req.ConfigValue.Equal(req.StateValue) {
		return
	}
	if onlyNullsDiffer(req.StateValue.IsNull(), req.StateValue.Elements(), req.ConfigValue.Elements()) {
		return
	}
	resp.RequiresReplace = true
}

func onlyNullsDiffer(stateIsNull bool, state, config map[string]attr.Value) bool {
	if stateIsNull {
		for _, v := range config {
			if !v.IsNull() {
				return false
			}
		}
		return true
	}
	for k, v := range config {
		old, found := state[k]
		if !found && v.IsNull() {
			continue
		}
		if !v.Equal(old) {
			return false
		}
	}
	for k := range state {
		if _, found := config[k]; !found {
			return false
		}
	}
	return true
}
