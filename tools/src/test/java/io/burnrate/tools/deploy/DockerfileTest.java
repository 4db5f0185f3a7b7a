package io.burnrate.tools.deploy;

import static io.burnrate.tools.deploy.DockerFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.tools.cli.BurnrateCli;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image: two stages, the job jar the {@code job-jar} profile builds on the official Flink
 * image, the tools apart with their own classpath.
 */
class DockerfileTest {
  @BeforeAll
  static void load() throws Exception {
    DockerFiles.load();
  }

  @Test
  void dockerfileBuildsTheJobJarAndShipsItOnFlink() throws IOException {
    List<String> froms = instructions("FROM");
    assertThat(froms).as("two stages").hasSize(2);
    String[] first = froms.get(0).split("\\s+");
    assertThat(first).as("the build stage is named").hasSize(3);
    String stage = first[2];
    int runtimeStart = dockerfile.indexOf("FROM " + froms.get(1));
    List<String> build = dockerfile.subList(0, runtimeStart);
    List<String> runtime = dockerfile.subList(runtimeStart, dockerfile.size());

    int firstPom = indexOf(build, "COPY pom.xml");
    int firstSrc = indexOf(build, "COPY schemas/src");
    assertThat(firstPom).as("the poms are copied before the sources").isLessThan(firstSrc);
    for (String module : List.of("schemas", "connectors", "jobs", "tools")) {
      assertThat(indexOf(build, "COPY " + module + "/pom.xml")).isBetween(0, firstSrc);
    }
    String buildRun = build.get(indexOf(build, "RUN mvn -B -Dquick -Pjob-jar"));
    assertThat(buildRun)
        .contains("mvn -B -Dquick -Pjob-jar -DskipTests package -pl jobs -am")
        .contains("-DincludeArtifactIds=sqlite-jdbc,postgresql")
        .contains("cp " + jobJarGlob + " ");
    String jar = jobJarInImage();
    assertThat(jar).startsWith("/opt/flink/usrlib/");
    assertThat(runtime)
        .anySatisfy(l -> assertThat(l).startsWith("COPY --from=" + stage).endsWith(" " + jar))
        .anySatisfy(
            l -> assertThat(l).startsWith("COPY --from=" + stage).endsWith(" /opt/flink/lib/"))
        .anySatisfy(l -> assertThat(l).contains("ln -s " + jar + " /opt/flink/plugins/"));
    List<String> users = runtime.stream().filter(l -> l.startsWith("USER ")).toList();
    assertThat(users).as("runs as the image's non-root flink user").isNotEmpty();
    assertThat(users.get(users.size() - 1)).isEqualTo("USER flink");
    String toolsRun =
        build.get(indexOf(build, "RUN mvn -B -q -Dquick -DskipTests install -pl tools"));
    assertThat(toolsRun)
        .as("the tools' jar and runtime classpath, built apart from the job jar")
        .contains("dependency:copy-dependencies -pl tools -DincludeScope=runtime")
        .contains("-DoutputDirectory=/out/tools")
        .contains("cp tools/target/burnrate-tools-*.jar /out/tools/");
    assertThat(runtime)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("COPY --from=" + stage)
                    .endsWith(" /out/tools/ /opt/burnrate-tools/"));
    assertThat(texts(services.path("simulator").path("entrypoint")).toString())
        .as("the simulator runs the CLI from the tools' classpath, not from the job jar")
        .contains("/opt/burnrate-tools/*")
        .doesNotContain(jar)
        .contains(BurnrateCli.class.getName());
    String ignore = Files.readString(ROOT.resolve(".dockerignore"));
    assertThat(ignore.lines().map(String::trim)).contains("**/target/", ".git/");
  }
}
