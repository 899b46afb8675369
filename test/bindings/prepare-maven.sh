#!/usr/bin/env bash
# Makes jsii's Maven version ranges resolvable here.
#
# The Maven Central metadata served to this machine lists aws-cdk-lib only up to 2.263.0, although newer
# artifacts are served; a range such as jsii's [2.270.0,3.0.0) (our peer floor) then resolves to nothing.
# Installing the newest served version into the local repository records it in maven-metadata-local.xml,
# which Maven reads beside the remote metadata. Idempotent; a no-op once the version is recorded.
set -euo pipefail
version="${CDK_MAVEN_VERSION:-2.272.0}"
repo="${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}"
dir="$repo/software/amazon/awscdk/aws-cdk-lib"
if grep -qs "<version>$version</version>" "$dir/maven-metadata-local.xml"; then
  exit 0
fi
mvn -q -B -Dmaven.repo.local="$repo" dependency:get -Dartifact="software.amazon.awscdk:aws-cdk-lib:$version"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp "$dir/$version/aws-cdk-lib-$version.jar" "$dir/$version/aws-cdk-lib-$version.pom" "$staging/"
mvn -q -B -Dmaven.repo.local="$repo" install:install-file \
  -Dfile="$staging/aws-cdk-lib-$version.jar" -DpomFile="$staging/aws-cdk-lib-$version.pom"
echo "recorded aws-cdk-lib $version in $dir/maven-metadata-local.xml"
