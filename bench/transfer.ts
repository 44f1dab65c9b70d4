/**
 * One large upload and one large download with curl, timed by curl and checked end to end:
 * the upload's SHA-256 as the front's `/sha` computed it (the webapp's, or deno-serve's own),
 * the download's length and CRC (`cksum`) against the webapp's `/stream` pattern, byte i =
 * (i * 31 + 7) & 0xFF.
 *
 * The download is checked with cksum rather than sha256sum: coreutils' sha256sum hashes about
 * 160 MB/s on the benchmark machine and would be the bottleneck of the pipe, cksum about 6 GB/s.
 * @module
 */

/** The outcome of one transfer. */
export interface TransferResult {
  bytes: number;
  seconds: number;
  /** bytes / seconds / 2^20. */
  mibPerSec: number;
  /** Empty when the transfer succeeded and its content was exact. */
  error: string;
}

/** SHA-256 of `n` zero bytes for the sizes the benchmark uses, to skip hashing them here. */
const ZERO_SHA256: ReadonlyMap<number, string> = new Map([
  [64 * 2 ** 20, "3b6a07d0d404fab4e23b6d34bc6696a6a312dd92821332385e5af7c01c421351"],
  [2 ** 30, "49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14"],
]);

/** The files and expected values of a set of transfers of `bytes` bytes each. */
export interface TransferFixture {
  bytes: number;
  /** A sparse file of `bytes` zero bytes: the upload body. */
  uploadFile: string;
  uploadSha256: string;
  /** `cksum` output ("CRC LENGTH") of the /stream pattern of `bytes` bytes. */
  downloadCksum: string;
}

/** Creates the upload file in `dir` and computes the expected checksums (a second or two). */
export async function prepareTransfers(dir: string, bytes: number): Promise<TransferFixture> {
  const uploadFile = `${dir}/upload-${bytes}.bin`;
  await Deno.truncate(uploadFile, 0).catch(() => Deno.writeFile(uploadFile, new Uint8Array()));
  await Deno.truncate(uploadFile, bytes);
  const uploadSha256 = ZERO_SHA256.get(bytes) ?? (await run("sha256sum", [uploadFile])).split(
    " ",
  )[0];
  return { bytes, uploadFile, uploadSha256, downloadCksum: await patternCksum(bytes) };
}

/** `cksum` of the first `bytes` bytes of the /stream pattern, fed through a pipe. */
async function patternCksum(bytes: number): Promise<string> {
  const period = new Uint8Array(1 << 16);
  for (let i = 0; i < period.length; i++) period[i] = (i * 31 + 7) & 0xff;
  const child = new Deno.Command("cksum", { stdin: "piped", stdout: "piped" }).spawn();
  const writer = child.stdin.getWriter();
  // The pattern repeats every 256 bytes, so every 64 KiB block of it is identical.
  for (let sent = 0; sent < bytes; sent += period.length) {
    await writer.write(period.subarray(0, Math.min(period.length, bytes - sent)));
  }
  await writer.close();
  const out = await child.output();
  return cksumValue(new TextDecoder().decode(out.stdout));
}

/** "CRC LENGTH" of cksum's output line "CRC LENGTH [FILE]". */
export function cksumValue(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(" ");
}

/** Parses curl's `-w` line "HTTP_CODE TIME_TOTAL SIZE", written last on stderr. */
export function parseCurlMetrics(stderr: string): { code: number; seconds: number; size: number } {
  const m = /(\d{3}) ([\d.]+) (\d+)\s*$/.exec(stderr);
  if (!m) throw new Error(`curl printed no metrics line:\n${stderr}`);
  return { code: Number(m[1]), seconds: Number(m[2]), size: Number(m[3]) };
}

const CURL_COMMON = ["-sS", "--no-buffer", "--max-time", "900"];

/**
 * PUTs the upload file to `url` (a /sha endpoint) with its Content-Length and checks the
 * JSON answer. `Expect: 100-continue` is switched off so that no front pays curl's 1 s wait
 * for a 100 it may not send.
 */
export async function upload(url: string, fx: TransferFixture): Promise<TransferResult> {
  const out = await new Deno.Command("curl", {
    args: [
      ...CURL_COMMON,
      "-T",
      fx.uploadFile,
      "-H",
      "Expect:",
      "-H",
      "Content-Type: application/octet-stream",
      "-w",
      "%{stderr}%{http_code} %{time_total} %{size_upload}\n",
      url,
    ],
    stdin: "null",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  return check(fx.bytes, stderr, out.code, () => {
    let body: { bodyLength?: number; bodySha256?: string };
    try {
      body = JSON.parse(stdout);
    } catch {
      return `the answer is not JSON: ${stdout.slice(0, 200)}`;
    }
    if (body.bodyLength !== fx.bytes) return `/sha read ${body.bodyLength} bytes`;
    if (body.bodySha256 !== fx.uploadSha256) return `/sha's SHA-256 is ${body.bodySha256}`;
    return "";
  });
}

/** GETs `url` (a /stream endpoint of `fx.bytes` bytes) into cksum and checks the result. */
export async function download(url: string, fx: TransferFixture): Promise<TransferResult> {
  const script = 'set -o pipefail; curl "$@" | cksum';
  const out = await new Deno.Command("bash", {
    args: [
      "-c",
      script,
      "bash",
      ...CURL_COMMON,
      "-w",
      "%{stderr}%{http_code} %{time_total} %{size_download}\n",
      url,
    ],
    stdin: "null",
  }).output();
  const sum = cksumValue(new TextDecoder().decode(out.stdout));
  return check(
    fx.bytes,
    new TextDecoder().decode(out.stderr),
    out.code,
    () => sum === fx.downloadCksum ? "" : `cksum is "${sum}", expected "${fx.downloadCksum}"`,
  );
}

function check(
  bytes: number,
  stderr: string,
  exitCode: number,
  content: () => string,
): TransferResult {
  let metrics;
  try {
    metrics = parseCurlMetrics(stderr);
  } catch (err) {
    return { bytes, seconds: 0, mibPerSec: 0, error: (err as Error).message };
  }
  const { code, seconds, size } = metrics;
  const result = { bytes, seconds, mibPerSec: seconds > 0 ? size / seconds / 2 ** 20 : 0 };
  let error = "";
  if (exitCode !== 0) error = `curl exited with ${exitCode}: ${stderr.trim().split("\n")[0]}`;
  else if (code !== 200) error = `HTTP status ${code}`;
  else if (size !== bytes) error = `curl moved ${size} of ${bytes} bytes`;
  else error = content();
  return { ...result, error };
}

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdin: "null" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
  return new TextDecoder().decode(out.stdout);
}
