import { EmulatorCore } from '../core';
import { archiveFilename, archivePath, parseArchivePath } from '../download-store';
import { Ctx } from '../request-context';

/** GET /downloads: the current version for every offered platform, with checksums (none with ghesLegacy). */
export function listDownloads(core: EmulatorCore, ctx: Ctx): void {
  const temp = core.downloads.tempDownloadTokens ? core.downloads.issueTempToken() : undefined;
  const v = core.runnerVersion;
  ctx.send(
    200,
    core.platforms.map(({ os, arch }) => ({
      os,
      architecture: arch,
      download_url: `${ctx.origin}${archivePath(os, arch, v)}`,
      filename: archiveFilename(os, arch, v),
      ...(temp ? { temp_download_token: temp } : {}),
      // The GHES reference's answer has os, architecture, download_url and filename only.
      ...(core.ghesLegacy ? {} : { sha256_checksum: core.downloads.checksum(os, arch, v) }),
    })),
  );
}

/** The archive bytes of any version; with GHES temp tokens on, a valid one is required as Bearer. */
export function serveArchive(core: EmulatorCore, ctx: Ctx): void {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return ctx.notFound();
  const req = parseArchivePath(ctx.rawPath);
  if (!req) return ctx.notFound();
  if (core.downloads.tempDownloadTokens && !core.downloads.acceptsTempToken(ctx.req.headers.authorization)) {
    return ctx.error(401, 'This download needs the temp_download_token from /downloads as an Authorization: Bearer header');
  }
  const a = core.downloads.served(req);
  ctx.extra['content-disposition'] = `attachment; filename=${req.filename}`;
  ctx.write(200, a.bytes, a.contentType);
}
