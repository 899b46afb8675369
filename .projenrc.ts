import { awscdk, javascript } from 'projen';

/** Handlers in lambda-src/ that esbuild bundles into assets/<name>/index.js at build time. */
const LAMBDA_HANDLERS = ['enrichment-processor', 'firehose-transformer', 'search-domain-access'];
/** The CLI in lambda-src/cli/, bundled the same way into assets/cli/index.js: the package's bin, run by `npx cdk-streaming-pipeline`. */
const CLI = 'cli';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-streaming-pipeline',
  description:
    'A complete, secure, monitored real-time streaming pipeline on AWS: Kinesis ingest (SDK, HTTP, Kinesis Agent), Lambda '
    + 'enrichment, Firehose to an S3 Parquet data lake, OpenSearch and Redshift, Flink analytics, a private VPC with endpoints, '
    + 'CloudWatch dashboard and alarms, Glue Data Quality checks, zero-finding cdk-nag compliance in five packs, dev/staging/prod '
    + 'presets, a CLI for load tests and data-quality checks.',
  author: 'cdk-streaming-pipeline contributors',
  authorAddress: 'maintainers@cdk-streaming-pipeline.invalid',
  repositoryUrl: 'https://github.com/cdk-streaming-pipeline/cdk-streaming-pipeline.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  bin: { 'cdk-streaming-pipeline': `assets/${CLI}/index.js` },
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  tsconfigDevFile: 'tsconfig.dev.json',
  jsiiVersion: '~6.0.0',
  // The peer floor is what our features need (stable Glue L2: 2.270.0) and what PyPI and Maven Central
  // serve; development and tests run on the newer aws-cdk-lib pinned in devDeps below.
  cdkVersion: '2.270.0',
  constructsVersion: '10.5.1',
  peerDependencyOptions: { pinnedDevDependency: false },
  keywords: [
    'cdk', 'awscdk', 'aws-cdk', 'kinesis', 'kinesis-data-streams', 'firehose', 'streaming',
    'real-time', 'data-lake', 'parquet', 'lambda', 'cdk-nag', 'analytics', 'opensearch', 'redshift', 'flink', 'load-testing',
    'glue', 'data-quality', 'integ-tests',
  ],
  publishToPypi: {
    distName: 'cdk-streaming-pipeline',
    module: 'cdk_streaming_pipeline',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkstreamingpipeline',
    mavenGroupId: 'io.github.cdkstreamingpipeline',
    mavenArtifactId: 'cdk-streaming-pipeline',
  },
  devDeps: [
    'aws-cdk-lib@2.276.0',
    'constructs@10.5.1',
    'cdk-nag@3.0.2',
    'esbuild@^0.28.2',
    '@aws-lambda-powertools/logger@^2.36.0',
    '@aws-lambda-powertools/metrics@^2.36.0',
    '@aws-sdk/client-kinesis@^3',
    '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/client-sqs@^3',
    '@aws-sdk/credential-provider-node@^3',
    '@smithy/node-http-handler@^4',
    '@smithy/signature-v4@^5',
    '@smithy/protocol-http@^5',
    '@aws-crypto/sha256-js@^5',
    'iovalkey@^0.4.0',
    '@types/aws-lambda@^8',
    'kinesalite@^3.3.3',
    'dynalite@^4',
    'fast-check@^4',
    'ajv@^8',
    'ajv-draft-04@^1',
    // The CLI's `quality` command reads Parquet (hyparquet) from a folder or S3; its tests write Parquet (hyparquet-writer).
    'hyparquet@^1.31.5',
    'hyparquet-writer@^0.17.0',
    '@aws-sdk/client-s3@^3',
    // The deployable end-to-end test (test/integ/): test-only, never a dependency of the library.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@^2.197.10',
  ],
  eslintOptions: {
    // Lint handlers, tests and examples with the dev tsconfig that includes them.
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
    dirs: ['src', 'lambda-src'],
    devdirs: ['test', 'examples', 'projenrc', '.projenrc.ts'],
  },
  // test/integ/ keeps a .gitignore of its own: projen drops patterns under /test/, which it un-ignores.
  gitignore: ['/.jsii.tabl.json', '/assets/', '/cdk.out/', '/.bindings/', '/.emulators/', '/examples/java/target/', '__pycache__/'],
  jestOptions: {
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/bindings/'],
      testTimeout: 60_000,
      // hyparquet and hyparquet-writer (the CLI's Parquet reader, its tests' writer) are ES modules only, and Jest
      // loads no ES module through require before Node 24.9: ts-jest compiles them to CommonJS.
      transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer)/)'],
      transform: {
        '^.+/node_modules/hyparquet(-writer)?/.+\\.js$': new javascript.Transform('ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }),
      },
    },
  },
});

for (const excluded of ['/examples/', '/lambda-src/', '/cdk.out/', '/.bindings/', '/.emulators/', '/.ci/', '/tsconfig.dev.json', '/assets/*.meta.json']) {
  project.addPackageIgnore(excluded);
}

// Handler dependencies are devDependencies on purpose: esbuild inlines them into the bundle.
project.eslint?.allowDevDeps('lambda-src/**');

project.tsconfigDev.addInclude('lambda-src/**/*.ts');
project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('.projenrc.ts');

const bundle = project.addTask('bundle', {
  description: 'Bundle the Lambda handlers (Node.js 22, arm64 runtime) and the CLI in lambda-src/ with esbuild into assets/',
});
const esbuild = (entry: string, extraFlags: string[] = []) => [
  'esbuild', `lambda-src/${entry}/index.ts`,
  '--bundle', '--platform=node', '--target=node22', '--format=cjs', '--minify', '--sourcemap',
  '--legal-comments=none', `--metafile=assets/${entry}.meta.json`, `--outfile=assets/${entry}/index.js`, ...extraFlags,
].join(' ');
for (const handler of LAMBDA_HANDLERS) {
  bundle.exec(esbuild(handler));
}
// The shebang lets npm link the bundle as an executable.
bundle.exec(esbuild(CLI, ["--banner:js='#!/usr/bin/env node'"]));
project.preCompileTask.spawn(bundle);
project.testTask.prependSpawn(bundle);
// Emulators that npm does not ship (an SQS implementation) are installed by the test command itself.
project.testTask.prependExec('bash test/support/install-emulators.sh');

// jsii-pacmak builds the jar in a Maven repository of its own unless told otherwise; use the shared one, in which
// test/bindings/prepare-maven.sh makes aws-cdk-lib's version range resolvable (see that script).
const packageJava = project.tasks.tryFind('package:java')!;
packageJava.reset('bash test/bindings/prepare-maven.sh');
packageJava.exec('jsii-pacmak -v --target java --maven-local-repository "$HOME/.m2/repository"');

// The example prod pipeline deploys a Flink job of its own; its JAR is built (and its tests run) from source.
const flinkJob = project.addTask('example:flink-job', {
  description: 'Build and test the example Flink job (examples/flink-analytics) into its shaded JAR with Maven',
  exec: 'mvn -B -q -f examples/flink-analytics/pom.xml package',
});
project.testTask.prependSpawn(flinkJob);

project.addTask('example', {
  description: 'Synthesize examples/app.ts offline into cdk.out/ (dev, staging, prod) with all five cdk-nag packs and print a table',
  steps: [
    { spawn: 'bundle' },
    { spawn: 'example:flink-job' },
    { exec: 'ts-node --project tsconfig.dev.json examples/app.ts' },
  ],
});

project.addTask('test:bindings', {
  // A report of its own, so that the unit tests' report in test-reports/ stays.
  env: { JEST_JUNIT_OUTPUT_NAME: 'bindings-junit.xml' },
  description: 'Synthesize the dev pipeline from the Python wheel, the Java jar and the npm package at the aws-cdk-lib peer floor, and compare their templates with the TypeScript one',
  steps: [
    { exec: 'bash test/bindings/run.sh' },
    { exec: 'bash test/bindings/peer-floor.sh' },
    { exec: "jest --coverage=false --testPathIgnorePatterns /node_modules/ --testMatch '<rootDir>/test/bindings/**/*.test.ts'" },
  ],
});

project.addTask('typecheck', {
  description: 'Type-check everything outside src/ that jsii does not compile: handlers, tests, examples',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});
project.testTask.spawn(project.tasks.tryFind('typecheck')!);

// The deployable end-to-end test (test/integ/, README "End-to-end test against an account"): offline, integ-runner
// compares the dev pipeline's template with the committed snapshot; integ:update rewrites it offline (--dry-run);
// integ:deploy runs it in the account of the caller's credentials (AWS_REGION).
const integ = project.addTask('integ', {
  description: 'Compare the end-to-end test\'s stack with its committed integ-runner snapshot, offline (test/integ)',
  steps: [{ spawn: 'bundle' }, { exec: 'bash test/integ/run.sh' }],
});
project.testTask.spawn(integ);
project.addTask('integ:update', {
  description: 'Rewrite the end-to-end test\'s integ-runner snapshot offline (--dry-run: nothing is deployed)',
  steps: [{ spawn: 'bundle' }, { exec: 'bash test/integ/run.sh update' }],
});
project.addTask('integ:deploy', {
  description: 'Run the end-to-end test in the AWS account of your credentials (AWS_REGION): deploy, assert, destroy',
  steps: [{ spawn: 'bundle' }, { exec: 'bash test/integ/run.sh deploy', receiveArgs: true }],
});

project.addTask('readme:examples', {
  description: 'Compile every TypeScript example of the README against the compiled library (jsii-rosetta, strict)',
  exec: 'jsii-rosetta extract --strict',
});
project.testTask.spawn(project.tasks.tryFind('readme:examples')!);

// Graphviz draws the SVG; test/architecture-diagram.test.ts checks that the committed diagram is current.
project.addTask('diagram', {
  description: 'Draw the README\'s architecture diagram from the prod example\'s construct tree (DOT, and SVG with Graphviz)',
  steps: [
    { exec: 'command -v dot >/dev/null || (apt-get update -qq && apt-get install -y -qq graphviz)' },
    { exec: 'ts-node --project tsconfig.dev.json examples/architecture.ts' },
  ],
});

project.addTask('lint:templates', {
  description: 'Synthesize the example app and lint its three templates with cfn-lint',
  steps: [{ spawn: 'example' }, { exec: 'bash test/lint-templates.sh' }],
});

// Timings depend on the machine, so the benchmark reports instead of failing a build: not part of test, verify or CI.
project.addTask('bench', {
  description: 'Benchmark the enrichment processor (CPU path vs a JSON floor, end to end through kinesalite, bundle size and init) and '
    + 'the synthesis time of each example stack against a hand-written baseline; not part of verify/CI',
  steps: [
    { spawn: 'bundle' },
    { exec: 'ts-node --project tsconfig.dev.json test/bench/processor.bench.ts' },
    { exec: 'ts-node --project tsconfig.dev.json test/bench/synth.bench.ts' },
  ],
});

// What CI and the README's test command run: the whole build in every language, whatever CI says.
project.addTask('verify', {
  description: 'Build, test, package for npm, PyPI and Maven, and prove the Python and Java bindings',
  steps: ['pre-compile', 'compile', 'post-compile', 'test', 'lint:templates', 'package-all', 'test:bindings'].map(spawn => ({ spawn })),
});

project.synth();
