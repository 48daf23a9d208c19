// Command external serves a test build of hashicorp/external 2.3.5 for the e2e harness; the real
// one cannot be downloaded on the machines this project's tests run on.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"cdktf-github-runners/test/terraform/providers/internal/externalprovider"
)

func main() {
	// Protocol 5, like the released hashicorp/external binaries (their names end in _x5).
	err := providerserver.Serve(context.Background(), externalprovider.New, providerserver.ServeOpts{
		Address:         "registry.terraform.io/hashicorp/external",
		ProtocolVersion: 5,
	})
	if err != nil {
		log.Fatal(err)
	}
}
