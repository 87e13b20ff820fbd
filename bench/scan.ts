/**
 * @module `npm run bench:scan`: times `hush scan` on a generated working tree (≥ 100 MB of
 * source-like text) and a generated git history (≥ 10,000 commits, made with `git fast-import`),
 * a cached second history scan, a pre-commit scan of a 500-line staged change (process start-up
 * included), secretlint on the same tree (when installed) and gitleaks (when GITLEAKS_BIN is set).
 * Prints figures and ratios, never pass/fail. Also prints precision/recall on the labelled corpus
 * in test/fixtures/scan/ when present. Everything generated lives in .cache/bench/ (git-ignored)
 * and is deterministic (seeded PRNG), so runs are comparable.
 *
 * The machine may be shared: the load average is printed before and after, every row shows CPU
 * time (user + system of the process and its threads) beside wall time, and ratios compare runs
 * made minutes apart in the same invocation. `BENCH_ONLY=tree,history,staged,corpus` runs a part.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { base62, crc32 } from '../src/scanner/rules/codec.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'bench');
const TREE = join(CACHE, 'tree');
const HISTORY = join(CACHE, 'history');
const STAGED = join(CACHE, 'staged');
const BIN = join(CACHE, 'bin');
/** gitleaks replaces its report file by renaming a new one over it: never give it /dev/null. */
const GITLEAKS_REPORT = join(CACHE, 'gitleaks-report.json');
const TREE_MB = Number(process.env['BENCH_TREE_MB'] ?? 100);
const COMMITS = Number(process.env['BENCH_COMMITS'] ?? 10_000);
const GENERATOR_VERSION = '1';

// ---------------------------------------------------------------- deterministic content

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'user account order invoice payment customer session request response handler service client server config ' +
  'value item list map index count total price amount status state event message queue worker task job result ' +
  'error retry timeout cache store record field table column query filter sort page limit offset token key name ' +
  'path file dir buffer stream reader writer parser builder factory manager controller model view router route'
).split(' ');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

class Gen {
  readonly r: () => number;
  constructor(seed: number) {
    this.r = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  word(): string {
    return WORDS[this.int(WORDS.length)]!;
  }
  ident(): string {
    const w = this.word();
    return w + this.word().replace(/^./, (c) => c.toUpperCase());
  }
  chars(n: number, alphabet = ALNUM): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  line(lang: string): string {
    const a = this.ident();
    const b = this.ident();
    switch (lang) {
      case 'py':
        return [
          `def ${a}(${b}, ${this.word()}=None):`,
          `    ${a} = ${b}.get("${this.word()}", ${this.int(1000)})`,
          `    if not ${b}:`,
          `        raise ValueError("invalid ${this.word()} ${this.word()}")`,
          `    return [${this.word()} for ${this.word()} in ${b} if ${this.word()}.${a}]`,
          `# ${this.word()} the ${this.word()} before ${this.word()} ${this.word()}`,
          `from app.${this.word()}s import ${a}, ${b}`,
          `    logger.info("${this.word()} %s", ${b}.${this.word()}_id)`,
        ][this.int(8)]!;
      case 'yaml':
        return [
          `${this.word()}:`,
          `  ${this.word()}_${this.word()}: ${this.int(10000)}`,
          `  - name: ${this.word()}-${this.word()}`,
          `    image: registry.example.com/${this.word()}:${this.int(9)}.${this.int(20)}`,
          `  ${this.word()}: "\${${this.word().toUpperCase()}_${this.word().toUpperCase()}}"`,
          `  checksum: sha256:${this.chars(64, '0123456789abcdef')}`,
        ][this.int(6)]!;
      case 'json':
        return [
          `  "${a}": ${this.int(100000)},`,
          `  "${b}": "${this.word()} ${this.word()}",`,
          `  "integrity": "sha512-${this.chars(86)}==",`,
          `  "id": "${this.chars(8, '0123456789abcdef')}-${this.chars(4, '0123456789abcdef')}-4${this.chars(3, '0123456789abcdef')}-a${this.chars(3, '0123456789abcdef')}-${this.chars(12, '0123456789abcdef')}",`,
        ][this.int(4)]!;
      case 'md':
        return `${this.word()} ${this.word()} ${this.word()} the ${this.word()} of ${this.word()} and ${this.word()} ${this.word()}s ${this.word()}.`;
      default:
        return [
          `export function ${a}(${b}: ${this.word()}[], ${this.word()}: number): Promise<void> {`,
          `  const ${a} = await this.${b}.${this.word()}(${this.int(500)});`,
          `  if (${a} === undefined) throw new Error('${this.word()} ${this.word()} not found');`,
          `  return ${b}.filter((x) => x.${this.word()} > ${this.int(100)}).map((x) => x.${this.word()});`,
          `}`,
          `import { ${a}, ${b} } from './${this.word()}-${this.word()}.js';`,
          `// ${this.word()}: ${this.word()} the ${this.word()} when ${this.word()} ${this.word()}`,
          `  private readonly ${a} = new Map<string, ${this.word()}>();`,
        ][this.int(8)]!;
    }
  }
  /** A synthetic credential in a format the built-in rules detect (random, never real). */
  secret(): string {
    switch (this.int(4)) {
      case 0: {
        const body = this.chars(30);
        return `GITHUB_TOKEN = "ghp_${body}${base62(crc32(body), 6)}"`;
      }
      case 1:
        return `aws_access_key_id = AKIA${this.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}\naws_secret_access_key = ${this.chars(40)}`;
      case 2:
        return `STRIPE_KEY = "sk_live_${this.chars(32)}"`;
      default:
        return `SLACK_TOKEN = "xoxb-${this.chars(11, '0123456789')}-${this.chars(12, '0123456789')}-${this.chars(24)}"`;
    }
  }
}

const LANGS = ['ts', 'py', 'yaml', 'json', 'md', 'ts', 'py'];

function fileContent(g: Gen, lang: string, bytes: number): string {
  const lines: string[] = [];
  let n = 0;
  while (n < bytes) {
    const l = g.line(lang);
    lines.push(l);
    n += l.length + 1;
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- fixtures

function stampOk(dir: string, stamp: string): boolean {
  const f = join(dir, '.bench-stamp');
  return existsSync(f) && readFileSync(f, 'utf8') === stamp;
}

function makeTree(): { bytes: number; files: number; planted: number } {
  const stamp = `${GENERATOR_VERSION}:${TREE_MB}`;
  const planted = Math.max(4, Math.round(TREE_MB / 5));
  if (stampOk(TREE, stamp)) return { ...sizeOf(TREE), planted };
  rmSync(TREE, { recursive: true, force: true });
  const g = new Gen(42);
  const target = TREE_MB * 1024 * 1024;
  let bytes = 0;
  let i = 0;
  const plantEvery = Math.floor(target / planted);
  let nextPlant = plantEvery / 2;
  while (bytes < target) {
    const lang = LANGS[i % LANGS.length]!;
    const dir = join(TREE, `pkg${i % 40}`, `mod${Math.floor(i / 40) % 25}`);
    mkdirSync(dir, { recursive: true });
    let content = fileContent(g, lang, 8_000 + g.int(80_000));
    if (bytes + content.length >= nextPlant) {
      const at = content.indexOf('\n', Math.floor(content.length / 2)) + 1;
      content = content.slice(0, at) + g.secret() + '\n' + content.slice(at);
      nextPlant += plantEvery;
    }
    writeFileSync(join(dir, `file${i}.${lang}`), content);
    bytes += content.length;
    i++;
  }
  writeFileSync(join(TREE, '.bench-stamp'), stamp);
  return { ...sizeOf(TREE), planted };
}

function sizeOf(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git' || e.name === '.bench-stamp') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        bytes += statSync(p).size;
        files++;
      }
    }
  };
  walk(dir);
  return { bytes, files };
}

async function makeHistory(): Promise<{ commits: number; blobs: number; bytes: number }> {
  const stamp = `${GENERATOR_VERSION}:${COMMITS}`;
  const meta = join(HISTORY, '.git', 'bench-meta.json');
  if (existsSync(meta) && stampOk(join(HISTORY, '.git'), stamp)) return JSON.parse(readFileSync(meta, 'utf8')) as { commits: number; blobs: number; bytes: number };
  rmSync(HISTORY, { recursive: true, force: true });
  mkdirSync(HISTORY, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: HISTORY });
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: HISTORY, stdio: ['pipe', 'inherit', 'inherit'] });
  const write = (s: string) => (child.stdin.write(s) ? Promise.resolve() : new Promise<void>((r) => child.stdin.once('drain', () => r())));
  const g = new Gen(7);
  let blobs = 0;
  let bytes = 0;
  const t0 = 1_600_000_000;
  for (let c = 1; c <= COMMITS; c++) {
    const msg = `${g.word()}: ${g.word()} the ${g.word()} ${g.word()}`;
    const author = `Dev ${g.int(50)} <dev${g.int(50)}@example.test> ${t0 + c * 600} +0000`;
    let s = `commit refs/heads/${c % 10 === 0 ? 'feature' : 'main'}\nmark :${c}\nauthor ${author}\ncommitter ${author}\ndata ${Buffer.byteLength(msg)}\n${msg}\n`;
    if (c > 1) s += `from :${c - 1}\n`;
    const changes = 1 + g.int(3);
    for (let k = 0; k < changes; k++) {
      const lang = LANGS[g.int(LANGS.length)]!;
      let content = fileContent(g, lang, 1_000 + g.int(6_000));
      if (c % 997 === 0 && k === 0) content += g.secret() + '\n';
      const path = `src/${g.word()}/${g.word()}-${g.int(60)}.${lang}`;
      const len = Buffer.byteLength(content);
      s += `M 100644 inline ${path}\ndata ${len}\n${content}\n`;
      blobs++;
      bytes += len;
    }
    await write(s);
  }
  child.stdin.end();
  await new Promise<void>((res, rej) => child.on('close', (code) => (code === 0 ? res() : rej(new Error(`fast-import exited ${code}`)))));
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: HISTORY });
  const info = { commits: COMMITS, blobs, bytes };
  writeFileSync(meta, JSON.stringify(info));
  writeFileSync(join(HISTORY, '.git', '.bench-stamp'), stamp);
  return info;
}

function makeStaged(): void {
  rmSync(STAGED, { recursive: true, force: true });
  mkdirSync(STAGED, { recursive: true });
  const git = (...a: string[]) => execFileSync('git', a, { cwd: STAGED });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'b@example.test');
  git('config', 'user.name', 'Bench');
  const g = new Gen(99);
  for (let i = 0; i < 20; i++) writeFileSync(join(STAGED, `f${i}.py`), fileContent(g, 'py', 4000));
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  // 500 added lines across 5 files, one planted secret
  for (let i = 0; i < 5; i++) {
    const lines: string[] = [];
    for (let k = 0; k < 100; k++) lines.push(g.line(i % 2 === 0 ? 'py' : 'ts'));
    if (i === 2) lines[50] = g.secret().split('\n')[0]!;
    writeFileSync(join(STAGED, `f${i}.py`), readFileSync(join(STAGED, `f${i}.py`), 'utf8') + lines.join('\n') + '\n');
  }
  git('add', '-A');
}

// ---------------------------------------------------------------- running

/** esbuild bundle of the scan entry and its worker, as `hush` ships it (no tsx at run time). */
async function buildBundle(): Promise<string> {
  const esbuild = await import('esbuild');
  mkdirSync(BIN, { recursive: true });
  await esbuild.build({
    entryPoints: { 'scan-main': join(ROOT, 'src/scanner/scan-main.ts'), 'scan-worker': join(ROOT, 'src/scanner/engine/scan-worker.ts') },
    outdir: BIN,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'error',
  });
  return join(BIN, 'scan-main.mjs');
}

interface Run {
  readonly seconds: number;
  /** User + system CPU seconds of the process (all its threads). */
  readonly cpu: number;
  readonly rssMB: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function timed(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Run {
  const useTime = existsSync('/usr/bin/time');
  const start = process.hrtime.bigint();
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '__RSS_KB=%M __CPU=%U+%S', cmd, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const m = /__RSS_KB=(\d+) __CPU=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
  return {
    seconds,
    cpu: m === null ? NaN : Number(m[2]) + Number(m[3]),
    rssMB: m === null ? NaN : Number(m[1]) / 1024,
    code: r.status ?? -1,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '').replace(/(?:Command exited with non-zero status \d+\n)?__RSS_KB=.*\n?/, ''),
  };
}

function countFindings(json: string): number {
  try {
    return (JSON.parse(json) as unknown[]).length;
  } catch {
    return NaN;
  }
}

function countSecretlint(json: string): number {
  return (json.match(/"ruleId":/g) ?? []).length;
}

/** Other processes share this machine: take the fastest of `n` runs (peak RSS of that run). */
function bestOf(n: number, cmd: string, args: readonly string[], cwd: string): Run {
  let best: Run | null = null;
  for (let i = 0; i < n; i++) {
    const r = timed(cmd, args, cwd);
    if (best === null || r.seconds < best.seconds) best = r;
  }
  return best!;
}

const REPEAT = Number(process.env['BENCH_REPEAT'] ?? 3);

const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const mb = (b: number) => b / 1048576;

function row(label: string, r: Run, bytes: number, extra = ''): void {
  console.log(
    `  ${label.padEnd(34)} ${fmt(r.seconds).padStart(7)} s ${fmt(mb(bytes) / r.seconds, 1).padStart(7)} MB/s  cpu ${fmt(r.cpu).padStart(6)} s ${fmt(mb(bytes) / r.cpu, 1).padStart(7)} MB/cpu-s  peak RSS ${fmt(r.rssMB, 0).padStart(4)} MB  exit ${r.code}${extra}`,
  );
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/** `n` runs of each command, interleaved so that a burst of load hits them alike; median wall and CPU ms. */
function startupTimes(n: number, cases: readonly { label: string; cmd: string; args: readonly string[]; cwd: string; env: NodeJS.ProcessEnv }[]): void {
  const runs = cases.map(() => [] as Run[]);
  for (let i = 0; i < n; i++) cases.forEach((c, k) => runs[k]!.push(timed(c.cmd, c.args, c.cwd, c.env)));
  cases.forEach((c, k) => {
    const r = runs[k]!;
    const best = Math.min(...r.map((x) => x.seconds));
    console.log(
      `  ${c.label.padEnd(60)} median ${fmt(median(r.map((x) => x.seconds)) * 1000, 0).padStart(4)} ms  best ${fmt(best * 1000, 0).padStart(4)} ms  cpu ${fmt(median(r.map((x) => x.cpu)) * 1000, 0).padStart(4)} ms  RSS ${fmt(median(r.map((x) => x.rssMB)), 0)} MB  exit ${r[0]!.code}`,
    );
  });
}

// ---------------------------------------------------------------- precision / recall

/** Scores the engine on the other helper's labelled corpus with its own scorer (measure.ts). */
async function corpusScore(): Promise<void> {
  const measurePath = join(ROOT, 'src', 'scanner', 'corpus', 'measure.ts');
  if (!existsSync(join(ROOT, 'test', 'fixtures', 'scan', 'labels.json')) || !existsSync(measurePath)) {
    console.log('\ncorpus: test/fixtures/scan/labels.json not present; precision/recall skipped');
    return;
  }
  const { measureCorpus } = (await import(pathToFileURL(measurePath).href)) as {
    measureCorpus: (fn: (text: string, path: string) => readonly { ruleId: string; line: number }[]) => Promise<{
      tp: number; fp: number; fn: number; precision: number; recall: number;
      falsePositives: { file: string; line: number; ruleId: string }[]; falseNegatives: { file: string; line: number; ruleId: string }[];
    }>;
  };
  const { buildEngine } = await import('../src/scanner/engine/engine-factory.js');
  const { engine } = await buildEngine({});
  const t = Date.now();
  const m = await measureCorpus((text, path) => engine.scanText(text, { path }));
  console.log(`\ncorpus (test/fixtures/scan, full engine incl. decoding and filters, ${Date.now() - t} ms):`);
  console.log(`  TP ${m.tp}  FP ${m.fp}  FN ${m.fn}  precision ${fmt(m.precision, 3)}  recall ${fmt(m.recall, 3)}`);
  for (const f of m.falsePositives.slice(0, 5)) console.log(`  false positive: ${f.file}:${f.line} ${f.ruleId}`);
  for (const f of m.falseNegatives.slice(0, 5)) console.log(`  missed: ${f.file}:${f.line} ${f.ruleId}`);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const only = new Set((process.env['BENCH_ONLY'] ?? 'tree,history,staged,corpus').split(','));
  console.log(`hush scan benchmark — ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, node ${process.version}, load average ${load()}`);
  const main = await buildBundle();
  const hushBin = join(ROOT, 'bin', 'hush.js');

  if (only.has('tree')) {
    const t = Date.now();
    const tree = makeTree();
    console.log(`tree: ${tree.files} files, ${fmt(mb(tree.bytes), 1)} MB, ${tree.planted} planted secrets (ready in ${fmt((Date.now() - t) / 1000, 1)} s)`);
    console.log('\nworking tree');
    const hushTree = bestOf(REPEAT, process.execPath, [main, 'scan', '--no-git', '--format', 'json', TREE], ROOT);
    row(`hush scan (all cores, best of ${REPEAT})`, hushTree, tree.bytes, `  findings ${countFindings(hushTree.stdout)}`);
    const hushTree1 = timed(process.execPath, [main, 'scan', '--no-git', '--format', 'json', '--threads', '0', TREE], ROOT);
    row('hush scan (one thread)', hushTree1, tree.bytes, `  findings ${countFindings(hushTree1.stdout)}`);

    const secretlintBin = join(ROOT, 'node_modules', '.bin', 'secretlint');
    if (existsSync(secretlintBin)) {
      // secretlint is much slower: time it on 5% and 10% slices of the tree. Throughput without
      // start-up is the extra MB over the extra seconds between the two sizes (both tools).
      const half = ['pkg0', 'pkg1'].map((d) => join(TREE, d));
      const slice = ['pkg0', 'pkg1', 'pkg2', 'pkg3'].map((d) => join(TREE, d));
      const halfBytes = half.reduce((a, d) => a + sizeOf(d).bytes, 0);
      const sliceBytes = slice.reduce((a, d) => a + sizeOf(d).bytes, 0);
      writeFileSync(join(CACHE, '.secretlintrc.json'), JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
      const secretlint = (dirs: string[]) => timed(secretlintBin, ['--secretlintrc', join(CACHE, '.secretlintrc.json'), '--format', 'json', ...dirs.map((d) => `${d}/**/*`)], ROOT);
      const slHalf = secretlint(half);
      const sl = secretlint(slice);
      const hs = bestOf(REPEAT, process.execPath, [main, 'scan', '--no-git', '--format', 'json', ...slice], ROOT);
      row(`secretlint (5% slice, ${fmt(mb(halfBytes), 1)} MB)`, slHalf, halfBytes, `  findings ${countSecretlint(slHalf.stdout)}`);
      row(`secretlint (10% slice, ${fmt(mb(sliceBytes), 1)} MB)`, sl, sliceBytes, `  findings ${countSecretlint(sl.stdout)}`);
      row(`hush scan (same 10% slice)`, hs, sliceBytes, `  findings ${countFindings(hs.stdout)}`);
      const marginal = (bytes: number, seconds: number) => (seconds > 0 ? mb(bytes) / seconds : NaN);
      const slRate = marginal(sliceBytes - halfBytes, sl.seconds - slHalf.seconds);
      const slCpuRate = marginal(sliceBytes - halfBytes, sl.cpu - slHalf.cpu);
      const hsRate = marginal(tree.bytes - sliceBytes, hushTree.seconds - hs.seconds);
      const hsCpuRate = marginal(tree.bytes - sliceBytes, hushTree.cpu - hs.cpu);
      console.log('  throughput ratio, hush ÷ secretlint (goal ≥ 10×):');
      console.log(`    without start-up (extra MB ÷ extra s): hush ${fmt(hsRate, 1)} MB/s (${fmt(hsCpuRate, 1)} MB/cpu-s), secretlint ${fmt(slRate, 1)} MB/s (${fmt(slCpuRate, 1)} MB/cpu-s) → wall ${fmt(hsRate / slRate, 1)}×, cpu ${fmt(hsCpuRate / slCpuRate, 1)}×`);
      console.log(`    full tree (hush) vs the 10% slice (secretlint), MB/s: wall ${fmt(mb(tree.bytes) / hushTree.seconds / (mb(sliceBytes) / sl.seconds), 1)}×, cpu ${fmt(mb(tree.bytes) / hushTree.cpu / (mb(sliceBytes) / sl.cpu), 1)}×`);
      console.log(`    same 10% slice, whole process each (start-up included): wall ${fmt(sl.seconds / hs.seconds, 1)}×, cpu ${fmt(sl.cpu / hs.cpu, 1)}×`);
      if (process.env['BENCH_SECRETLINT_TREE'] !== '0') {
        // The plainest comparison: both tools, whole process, the same whole tree.
        const slTree = secretlint([TREE]);
        row(`secretlint (whole tree)`, slTree, tree.bytes, `  findings ${countSecretlint(slTree.stdout)}`);
        console.log(`    same whole tree, whole process each: wall ${fmt(slTree.seconds / hushTree.seconds, 1)}×, cpu ${fmt(slTree.cpu / hushTree.cpu, 1)}×, one hush thread: wall ${fmt(slTree.seconds / hushTree1.seconds, 1)}×`);
      }
    } else {
      console.log('  secretlint: not installed (npm i -D secretlint @secretlint/secretlint-rule-preset-recommend)');
    }
    const gitleaks = process.env['GITLEAKS_BIN'];
    if (gitleaks !== undefined && gitleaks !== '') {
      const gl = timed(gitleaks, ['dir', TREE, '--no-banner', '--exit-code', '0', '--report-format', 'json', '--report-path', GITLEAKS_REPORT], ROOT);
      row('gitleaks dir', gl, tree.bytes);
      console.log(`  ratio hush/gitleaks: ${fmt(gl.seconds / hushTree.seconds, 2)}×`);
    }
  }

  if (only.has('history')) {
    const t = Date.now();
    const hist = await makeHistory();
    console.log(`\nhistory: ${hist.commits} commits, ${hist.blobs} blob writes, ${fmt(mb(hist.bytes), 1)} MB (ready in ${fmt((Date.now() - t) / 1000, 1)} s)`);
    rmSync(join(HISTORY, '.git', 'hush-scan-cache'), { recursive: true, force: true });
    const h1 = timed(process.execPath, [main, 'scan', '--history', '--format', 'json'], HISTORY);
    row(`hush --history (${hist.commits} commits)`, h1, hist.bytes, `  findings ${countFindings(h1.stdout)}`);
    const h2 = timed(process.execPath, [main, 'scan', '--history', '--format', 'json'], HISTORY);
    row('hush --history (cached)', h2, hist.bytes, `  findings ${countFindings(h2.stdout)}  (${fmt((100 * h2.seconds) / h1.seconds, 1)}% of first)`);
    const gitleaks = process.env['GITLEAKS_BIN'];
    if (gitleaks !== undefined && gitleaks !== '') {
      const gl = timed(gitleaks, ['git', HISTORY, '--no-banner', '--exit-code', '0', '--report-format', 'json', '--report-path', GITLEAKS_REPORT], ROOT);
      row('gitleaks git', gl, hist.bytes);
    }
  }

  if (only.has('staged')) {
    makeStaged();
    console.log('\npre-commit (500 staged lines, process start-up included; goal < 300 ms)');
    const withCa = process.env;
    const noCa = { ...process.env };
    delete noCa['NODE_EXTRA_CA_CERTS'];
    const ca = process.env['NODE_EXTRA_CA_CERTS'] !== undefined && process.env['NODE_EXTRA_CA_CERTS'] !== '';
    const variants = ca ? [{ tag: 'NODE_EXTRA_CA_CERTS set', env: withCa }, { tag: 'NODE_EXTRA_CA_CERTS unset', env: noCa }] : [{ tag: 'NODE_EXTRA_CA_CERTS unset', env: noCa }];
    const cases = variants.flatMap((v) => [
      { label: `hush scan --staged (the hook's command), ${v.tag}`, cmd: process.execPath, args: [hushBin, 'scan', '--staged'], cwd: STAGED, env: v.env },
      { label: `scan-main bundle --staged, ${v.tag}`, cmd: process.execPath, args: [main, 'scan', '--staged'], cwd: STAGED, env: v.env },
      { label: `bare node -e 0, ${v.tag}`, cmd: process.execPath, args: ['-e', '0'], cwd: STAGED, env: v.env },
    ]);
    startupTimes(Number(process.env['BENCH_STAGED_RUNS'] ?? 11), cases);
    console.log('  (exit 1 = the planted secret was found)');
  }

  if (only.has('corpus')) await corpusScore();
  console.log(`\nload average at the end: ${load()}`);
}

await main();
