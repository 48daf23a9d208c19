# A Python app as a user writes one: cdktf 0.21 from PyPI and the cdktf-github-runners wheel.
import os

from cdktf import App, LocalBackend, TerraformOutput, TerraformStack
from cdktf_github_runners import OrgRunner, Runners, RunnerDownload

api_url = os.environ["GITHUB_API_URL"]
app = App(outdir=os.environ["OUTDIR"])
stack = TerraformStack(app, "python")
LocalBackend(stack, path="terraform.tfstate")

linux = RunnerDownload(stack, "linux-x64", org="octo-org", api_url=api_url, os="linux", architecture="x64")
registered = OrgRunner(stack, "registered", org="octo-org", api_url=api_url, name="py-registered", labels=["python"])
jit = OrgRunner(stack, "jit", org="octo-org", api_url=api_url, name="py-jit", jit=True)
Runners(stack, "listed", org="octo-org", api_url=api_url)

TerraformOutput(stack, "install_script", value=registered.install_script(linux, install_dir=os.environ["INSTALL_DIR"]), sensitive=True)
TerraformOutput(stack, "jit_name", value=jit.runner_name)
TerraformOutput(stack, "runner_version", value=linux.version)
app.synth()
