import { boolFlag, checkFlags, flag, listValue, ParsedArgs, secondsFlag } from './args';
import { Api } from './client';
import { completeChecksums, normalizeArch, normalizeOs, parsePlatforms, downloadsResult } from './downloads-result';
import { UsageError, UserError } from './errors';
import {
  addLabels,
  createRegistrationToken,
  createRemoveToken,
  deleteRunner,
  findRunnerByName,
  generateJitConfig,
  getRunner,
  LabelList,
  listDownloads,
  listLabels,
  listRunners,
  removeAllLabels,
  removeLabel,
  resolveRunnerGroup,
  Runner,
  runnerSummary,
  setLabels,
} from './operations';
import { connectFromFlags, deleteByName, SCOPE_FLAGS } from './provisioners';
import { runnerUrl, scopeLabel } from './github-scope';
import { RUNTIME_VERSION } from './version';

export const HELP = `cdktf-github-runners ${RUNTIME_VERSION}: GitHub self-hosted runners from the command line

Usage: cdktf-github-runners <command> [scope flags] [flags]

Scope flags (every command):
  --enterprise SLUG | --org ORG | --repo OWNER/REPO    exactly one
  --api-url URL         REST API base URL (default https://api.github.com;
                        GHES https://HOST/api/v3; GHE.com https://api.SUB.ghe.com)
  --credential-env NAME environment variable holding the token
                        (default GITHUB_TOKEN, then GH_TOKEN, then a GitHub App from
                        GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PRIVATE_KEY[_PATH])

Commands:
  runners list [--name N] [--label L,..]       list runners (all pages)
  runners get (--id ID | --name N)             show one runner
  runners delete (--id ID | --name N) [--busy-timeout S]
  downloads [--os OS --arch ARCH] [--version V] [--compute-checksum]
                                               runner application downloads; --compute-checksum
                                               hashes archives the server lists no checksum for
  token registration|remove                    mint a token and print it
  jit --name N --label L,.. [--group G] [--work-folder DIR]
                                               mint a JIT configuration and print it
  labels list|add|set|remove|clear (--id ID | --name N) [--label L,..]
  emulator [--port N] [--org NAME] [--ghes-legacy] ...
                                               run the offline GitHub runner API emulator
                                               (emulator --help: every flag, the seed format)
  --json                                       machine-readable output (any command)

Run by Terraform (see docs/contract.md):
  data                                         external data source: JSON query on stdin
  delete-runner [scope flags] (--id ID | --name N (--identity I | --generation G)) [--busy-timeout S]
  check-name [scope flags] --name N --identity I
  wait-online [scope flags] --name N [--generation G] [--timeout S] [--interval S]

Credentials are read from the environment only, never from arguments.
CDKTF_GITHUB_RUNNERS_DEBUG=1 prints one line per request to stderr.
`;

type Out = (text: string) => void;

export async function runCli(args: ParsedArgs, env: NodeJS.ProcessEnv, out: Out): Promise<void> {
  const [command, sub, ...rest] = args.positional;
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"; see --help`);
  const json = boolFlag(args, 'json');
  switch (command) {
    case 'runners':
      return runners(sub, args, env, out, json);
    case 'downloads':
      noSub(command, sub);
      return downloads(args, env, out, json);
    case 'token':
      return token(sub, args, env, out, json);
    case 'jit':
      noSub(command, sub);
      return jit(args, env, out, json);
    case 'labels':
      return labels(sub, args, env, out, json);
    default:
      throw new UsageError(`unknown command "${command}"; see --help`);
  }
}

function noSub(command: string, sub: string | undefined): void {
  if (sub !== undefined) throw new UsageError(`${command} takes no subcommand, got "${sub}"; see --help`);
}

function runnerId(args: ParsedArgs): number | undefined {
  const v = flag(args, 'id');
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--id must be a runner id (a number), got "${v}"`);
  return Number(v);
}

/** --id, or --name resolved to an id. */
async function resolveRunner(api: Api, args: ParsedArgs, command: string): Promise<number> {
  const id = runnerId(args);
  const name = flag(args, 'name');
  if ((id === undefined) === (name === undefined)) throw new UsageError(`${command} needs exactly one of --id or --name`);
  if (id !== undefined) return id;
  const r = await findRunnerByName(api, name as string);
  if (!r) throw new UserError(`runner "${name}" not found in ${scopeLabel(api.scope)}: list the runners with "runners list"`);
  return r.id;
}

function runnerLines(rs: Runner[]): string {
  if (rs.length === 0) return 'no runners\n';
  const rows = [
    ['ID', 'NAME', 'STATUS', 'BUSY', 'OS', 'LABELS'],
    ...rs.map((r) => {
      const s = runnerSummary(r);
      return [String(s.id), s.name, s.status, s.busy ? 'busy' : 'idle', s.os, s.labels.join(',')];
    }),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

const toJson = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

async function runners(sub: string | undefined, args: ParsedArgs, env: NodeJS.ProcessEnv, out: Out, json: boolean): Promise<void> {
  switch (sub) {
    case 'list': {
      checkFlags(args, [...SCOPE_FLAGS, 'name', 'label'], 'runners list');
      const api = await connectFromFlags(args, env);
      const name = flag(args, 'name');
      const want = listValue(flag(args, 'label')).map((l) => l.toLowerCase());
      let rs = await listRunners(api, { name });
      if (name !== undefined) rs = rs.filter((r) => r.name === name);
      rs = rs.filter((r) => want.every((l) => (r.labels ?? []).some((x) => x.name.toLowerCase() === l)));
      out(json ? toJson(rs.map(runnerSummary)) : runnerLines(rs));
      return;
    }
    case 'get': {
      checkFlags(args, [...SCOPE_FLAGS, 'id', 'name'], 'runners get');
      const api = await connectFromFlags(args, env);
      const r = await getRunner(api, await resolveRunner(api, args, 'runners get'));
      out(json ? toJson(runnerSummary(r)) : runnerLines([r]));
      return;
    }
    case 'delete': {
      checkFlags(args, [...SCOPE_FLAGS, 'id', 'name', 'busy-timeout', 'interval'], 'runners delete');
      const api = await connectFromFlags(args, env);
      const id = runnerId(args);
      const name = flag(args, 'name');
      if ((id === undefined) === (name === undefined)) throw new UsageError('runners delete needs exactly one of --id or --name');
      if (name !== undefined) {
        await deleteByName(api, name, secondsFlag(args, 'busy-timeout', 0), Math.max(secondsFlag(args, 'interval', 5), 0.1));
      } else {
        await deleteRunner(api, id as number);
      }
      out(
        json ? toJson({ deleted: name ?? id }) : `deleted runner ${name !== undefined ? `"${name}"` : id} from ${scopeLabel(api.scope)}\n`,
      );
      return;
    }
    default:
      throw new UsageError('runners needs a subcommand: list, get or delete');
  }
}

async function downloads(args: ParsedArgs, env: NodeJS.ProcessEnv, out: Out, json: boolean): Promise<void> {
  checkFlags(args, [...SCOPE_FLAGS, 'os', 'arch', 'version', 'platforms'], 'downloads');
  const os = flag(args, 'os');
  const arch = flag(args, 'arch');
  const version = flag(args, 'version');
  if ((os === undefined) !== (arch === undefined)) throw new UsageError('downloads needs both --os and --arch, or neither');
  let platforms = flag(args, 'platforms') ?? '';
  if (os !== undefined) platforms = `${normalizeOs(os)}/${normalizeArch(arch as string)}${version !== undefined ? `@${version}` : ''}`;
  else if (version !== undefined) throw new UsageError('--version needs --os and --arch');
  const requested = parsePlatforms(platforms);
  const api = await connectFromFlags(args, env);
  const result = downloadsResult(await listDownloads(api), requested, scopeLabel(api.scope), api.connection);
  if (boolFlag(args, 'compute-checksum')) {
    // Every platform shown: the requested ones, or all that the server offers.
    const shown =
      requested.length > 0
        ? requested
        : parsePlatforms(
            Object.keys(result)
              .filter((k) => k.endsWith(':version'))
              .map((k) => k.slice(0, -':version'.length))
              .join(','),
          );
    const texts = shown.map((r) => r.text);
    await completeChecksums(result, shown, { required: [], compute: texts }, scopeLabel(api.scope), {
      env,
      idleTimeout: Math.max(api.settings.requestTimeout, 30),
    });
  }
  if (json) {
    out(toJson(result));
    return;
  }
  const groups = new Map<string, Record<string, string>>();
  for (const [k, v] of Object.entries(result)) {
    const i = k.lastIndexOf(':');
    if (i < 0) continue;
    const p = k.slice(0, i);
    if (requested.length > 0 && !requested.some((r) => r.text === p)) continue;
    groups.set(p, { ...groups.get(p), [k.slice(i + 1)]: v });
  }
  const lines = [...groups.entries()].map(([p, f]) => `${p}  ${f.version}  ${f.download_url}  sha256:${f.sha256_checksum || '(unknown)'}`);
  out(`latest version ${result.latest_version}\n${lines.join('\n')}\n`);
}

async function token(sub: string | undefined, args: ParsedArgs, env: NodeJS.ProcessEnv, out: Out, json: boolean): Promise<void> {
  if (sub !== 'registration' && sub !== 'remove') throw new UsageError('token needs a kind: registration or remove');
  checkFlags(args, SCOPE_FLAGS, `token ${sub}`);
  const api = await connectFromFlags(args, env);
  const t = sub === 'registration' ? await createRegistrationToken(api) : await createRemoveToken(api);
  // The token is the output the user asked for: stdout only, never stderr.
  out(json ? toJson({ token: t.token, expires_at: t.expires_at, runner_url: runnerUrl(api.scope, api.connection) }) : `${t.token}\n`);
}

async function jit(args: ParsedArgs, env: NodeJS.ProcessEnv, out: Out, json: boolean): Promise<void> {
  checkFlags(args, [...SCOPE_FLAGS, 'name', 'label', 'group', 'work-folder'], 'jit');
  const name = flag(args, 'name');
  if (name === undefined) throw new UsageError('jit needs --name');
  const labelList = listValue(flag(args, 'label'));
  if (labelList.length === 0) throw new UsageError('jit needs --label with at least one label');
  const api = await connectFromFlags(args, env);
  const group = await resolveRunnerGroup(api, flag(args, 'group'));
  const j = await generateJitConfig(api, { name, runner_group_id: group, labels: labelList, work_folder: flag(args, 'work-folder') });
  out(json ? toJson({ runner: runnerSummary(j.runner), encoded_jit_config: j.encoded_jit_config }) : `${j.encoded_jit_config}\n`);
}

async function labels(sub: string | undefined, args: ParsedArgs, env: NodeJS.ProcessEnv, out: Out, json: boolean): Promise<void> {
  const subs = ['list', 'add', 'set', 'remove', 'clear'];
  if (sub === undefined || !subs.includes(sub)) throw new UsageError(`labels needs a subcommand: ${subs.join(', ')}`);
  const takesLabels = sub === 'add' || sub === 'set' || sub === 'remove';
  checkFlags(args, [...SCOPE_FLAGS, 'id', 'name', ...(takesLabels ? ['label'] : [])], `labels ${sub}`);
  const wanted = listValue(flag(args, 'label'));
  if ((sub === 'add' || sub === 'remove') && wanted.length === 0) throw new UsageError(`labels ${sub} needs --label`);
  const api = await connectFromFlags(args, env);
  const id = await resolveRunner(api, args, `labels ${sub}`);
  let result: LabelList;
  switch (sub) {
    case 'list':
      result = await listLabels(api, id);
      break;
    case 'add':
      result = await addLabels(api, id, wanted);
      break;
    case 'set':
      result = await setLabels(api, id, wanted);
      break;
    case 'clear':
      result = await removeAllLabels(api, id);
      break;
    default: {
      result = { total_count: 0, labels: [] };
      for (const l of wanted) result = await removeLabel(api, id, l);
    }
  }
  const names = (result.labels ?? []).map((l) => l.name);
  out(json ? toJson(result.labels ?? []) : names.length === 0 ? 'no labels\n' : `${names.join('\n')}\n`);
}
