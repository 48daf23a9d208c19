// Command null serves a test build of hashicorp/null 3.2.4 for the e2e harness; the real one
// cannot be downloaded on the machines this project's tests run on.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"cdktf-github-runners/test/terraform/providers/internal/nullprovider"
)

func main() {
	// Protocol 5, like the released hashicorp/null binaries (their names end in _x5).
	err := providerserver.Serve(context.Background(), nullprovider.New, providerserver.ServeOpts{
		Address:         "registry.terraform.io/hashicorp/null",
		ProtocolVersion: 5,
	})
	if err != nil {
		log.Fatal(err)
	}
}
