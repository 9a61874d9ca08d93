# syntax=docker/dockerfile:1
# Switchboard's image: one jar for every command (run, extproc, sim, bench, keys, ...).
#   docker build -t ghcr.io/switchboard/switchboard:dev .
#   docker run --rm -p 8080:8080 ghcr.io/switchboard/switchboard:dev run --host 0.0.0.0
# The JVM flags are the ones ./switchboard uses: --enable-native-access and --sun-misc-unsafe-memory-access for
# every command (Netty's native transport and its use of sun.misc.Unsafe, JDK 23+), and for `run` only, SerialGC
# with a 24 MB young generation, which deploy/ passes through JDK_JAVA_OPTIONS (the java launcher reads it, so it
# can be replaced per Deployment without rebuilding).

# --- build: the same Maven command as ./switchboard build, tests skipped (CI runs them) ---
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds without putting it in a layer.
RUN --mount=type=cache,target=/root/.m2 \
    MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow \
    mvn -B -q -DskipTests -Dmaven.test.skip=true -pl cli -am package \
    && cp cli/target/switchboard.jar /switchboard.jar

# --- runtime: a JRE, the jar, an unprivileged user ---
FROM eclipse-temurin:25-jre
LABEL org.opencontainers.image.title="switchboard" \
      org.opencontainers.image.description="AI inference gateway: OpenAI/Anthropic front door, endpoint picker, simulator"
COPY --from=build --chmod=0444 /switchboard.jar /opt/switchboard/switchboard.jar
# 65532 is the conventional "nonroot" id (distroless); the Kubernetes manifests set the same runAsUser. Numeric, so
# runAsNonRoot can check it, and no home directory is needed: the JVM writes only to /tmp (an emptyDir in deploy/).
USER 65532:65532
WORKDIR /tmp
# 8080: the API of `run`; 9901: its admin port; 9002 and 9090: `extproc`'s ext_proc and admin ports; 8000: `sim`.
EXPOSE 8080 9901 9002 9090 8000
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", \
            "-jar", "/opt/switchboard/switchboard.jar"]
CMD ["--help"]
