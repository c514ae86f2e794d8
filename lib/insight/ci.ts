// `pogogen ci github|gitlab`: the CI workflow text — restore the dependency cache (keyed on pogogen.lock and the
// toolchain) and the compiler cache, build every profile the project has, run the tests, keep the JUnit results,
// the build report and its trace. Pure text; the CLI writes the file.

export type CiService = 'github' | 'gitlab';

/** Where each service reads its workflow, relative to the project. */
export const ciFile: Readonly<Record<CiService, string>> = { github: '.github/workflows/pogogen.yml', gitlab: '.gitlab-ci.yml' };

/** The start of the first line of every file `pogogen ci` writes: how it knows a file is its own. */
export const ciHeader = '# Written by `pogogen ci';

export interface CiInput {
  /** Every profile the project can build, built-in ones first (Model.profileNames). */
  readonly profiles: readonly string[];
  /** pogogen.lock exists: generations run with --frozen and the dependency cache is keyed on it. */
  readonly lockfile: boolean;
  /** package-lock.json exists (npm ci) or not (npm install). */
  readonly npmLockfile: boolean;
}

/** The Node that runs pogogen in CI (pogogen needs 20 or later). */
const NODE = '22';
/** Tools pogogen runs besides the compiler the image has: ninja (also from npm), ccache, and what recipes build with. */
const PACKAGES = 'gcc make cmake ninja-build pkgconf ccache';
/** The report and trace `pogogen report` writes after the tests, and the test results `pogogen test` writes. */
const REPORT = { html: 'out/pogogen-report.html', trace: 'out/pogogen-trace.json', text: 'out/pogogen-report.txt' };
const JUNIT = 'out/development/testlog/results.xml';

/** The commands every service runs in order, after the toolchain and caches are in place. */
function commands(input: CiInput): { name: string; run: string; always?: true }[] {
  const frozen = input.lockfile ? ' --frozen' : '';
  return [
    { name: 'Install pogogen', run: input.npmLockfile ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund' },
    ...input.profiles.map((p) => ({ name: `Build (${p})`, run: `npx pogogen --profile ${p}${frozen} build` })),
    { name: 'Test', run: `npx pogogen${frozen} test` },
    // After the tests (which built the development profile last): the report of that build, even when a test failed.
    { name: 'Build report', run: `npx pogogen report --html ${REPORT.html} --trace ${REPORT.trace} > ${REPORT.text}`, always: true },
  ];
}

/** A YAML plain scalar where it is one, else a double-quoted one (JSON's quoting is valid YAML). */
function scalar(s: string): string {
  return /^[A-Za-z0-9_./(][A-Za-z0-9_ ./()=-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) && !/\s$/.test(s) ? s : JSON.stringify(s);
}

export function githubWorkflow(input: CiInput): string {
  const steps = commands(input);
  const lockHash = input.lockfile ? "${{ hashFiles('pogogen.lock') }}" : 'no-lock';
  const lines = [
    `${ciHeader} github\`; regenerate it rather than editing (pogogen ci github --check tells when it is stale).`,
    'name: pogogen',
    'on:',
    '  push:',
    '  pull_request:',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-24.04',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-node@v4',
    '        with:',
    `          node-version: ${JSON.stringify(NODE)}`,
    '      - name: Install the toolchain',
    `        run: sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends ${PACKAGES}`,
    // The caches live outside the checkout (a glob of the project's must never see them); the toolchain's
    // version is part of both keys, as a compiler upgrade invalidates built dependencies and compiler results.
    '      - name: Cache directories and the toolchain key',
    '        id: toolchain',
    '        run: |',
    '          echo "POGOGEN_CACHE=$HOME/.cache/pogogen" >> "$GITHUB_ENV"',
    '          echo "CCACHE_DIR=$HOME/.cache/ccache" >> "$GITHUB_ENV"',
    '          echo "key=$(cc --version | head -n 1 | tr -c \'A-Za-z0-9._\\n-\' _)" >> "$GITHUB_OUTPUT"',
    '      - name: Restore the dependency cache',
    '        uses: actions/cache@v4',
    '        with:',
    '          path: ~/.cache/pogogen',
    `          key: pogogen-\${{ runner.os }}-\${{ steps.toolchain.outputs.key }}-${lockHash}`,
    '          restore-keys: pogogen-${{ runner.os }}-${{ steps.toolchain.outputs.key }}-',
    // ccache's results change with every commit: a new key each run, restored from the newest one before it.
    '      - name: Restore the compiler cache',
    '        uses: actions/cache@v4',
    '        with:',
    '          path: ~/.cache/ccache',
    '          key: ccache-${{ runner.os }}-${{ steps.toolchain.outputs.key }}-${{ github.sha }}',
    '          restore-keys: ccache-${{ runner.os }}-${{ steps.toolchain.outputs.key }}-',
    ...steps.flatMap((s) => [`      - name: ${scalar(s.name)}`, ...(s.always ? ['        if: ${{ !cancelled() }}'] : []), `        run: ${scalar(s.run)}`]),
    '      - name: Keep the test results, the build report and the trace',
    '        if: ${{ !cancelled() }}',
    '        uses: actions/upload-artifact@v4',
    '        with:',
    '          name: pogogen-results',
    '          if-no-files-found: warn',
    '          path: |',
    '            out/*/testlog/',
    `            ${REPORT.html}`,
    `            ${REPORT.trace}`,
    `            ${REPORT.text}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** GitLab runs the job in a Debian image with Node; its compiler is the toolchain the cache key names. */
const GITLAB_IMAGE = `node:${NODE}-bookworm`;

export function gitlabPipeline(input: CiInput): string {
  const toolchain = GITLAB_IMAGE.replace(/[^A-Za-z0-9._-]/g, '-');
  const steps = commands(input);
  const main = steps.filter((s) => s.always !== true);
  const after = steps.filter((s) => s.always === true);
  const lines = [
    `${ciHeader} gitlab\`; regenerate it rather than editing (pogogen ci gitlab --check tells when it is stale).`,
    'stages:',
    '  - build',
    'pogogen:',
    '  stage: build',
    `  image: ${scalar(GITLAB_IMAGE)}`,
    // GitLab caches only paths inside the project: hidden directories, which no glob of pogogen's matches.
    '  variables:',
    '    POGOGEN_CACHE: $CI_PROJECT_DIR/.cache/pogogen',
    '    CCACHE_DIR: $CI_PROJECT_DIR/.cache/ccache',
    '  cache:',
    ...(input.lockfile ? ['    - key:', '        files:', '          - pogogen.lock', `        prefix: ${scalar(`pogogen-${toolchain}`)}`] : [`    - key: ${scalar(`pogogen-${toolchain}`)}`]),
    '      paths:',
    '        - .cache/pogogen',
    `    - key: ${scalar(`ccache-${toolchain}`)}`,
    '      paths:',
    '        - .cache/ccache',
    '  before_script:',
    `    - apt-get update -qq && apt-get install -y -qq --no-install-recommends ${PACKAGES}`,
    '  script:',
    ...main.map((s) => `    - ${scalar(s.run)}`),
    '  after_script:',
    ...after.map((s) => `    - ${scalar(s.run)}`),
    '  artifacts:',
    '    when: always',
    '    paths:',
    '      - out/*/testlog/',
    `      - ${REPORT.html}`,
    `      - ${REPORT.trace}`,
    `      - ${REPORT.text}`,
    '    reports:',
    `      junit: ${JUNIT}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function ciWorkflow(service: CiService, input: CiInput): string {
  return service === 'github' ? githubWorkflow(input) : gitlabPipeline(input);
}
