package dev.intereststream.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layers of the job and the tools, bottom up: {@code schemas}; {@code contracts} (topic
 * contracts with their options and serdes, the dead-letter cap); {@code events} (decoding) and
 * {@code scoring} (the scoring request, the feature spec, model inputs, the scorers: it knows nothing of
 * how requests are made); {@code candidates}; {@code features} (user state, the one user-event fold,
 * the request's user part); {@code sinks}; {@code job} wires them and only the tools import it; the tools
 * ({@code cli}, {@code sim}, {@code training}, {@code bench}, {@code local}) sit on top and the job never
 * imports them (the job jar does not contain them). {@code ScoringRequest} stays in {@code scoring}:
 * its class name is written into savepoints (the pending requests' POJO serializer), and the release-0.1
 * savepoint must restore.
 */
class LayeringTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    // The three modules' compiled main classes (tests run in the tool module's directory); scanning the
    // whole classpath for the package instead takes a minute.
    classes = new ClassFileImporter().importPaths(Path.of("target", "classes"), Path.of("..", "job", "target", "classes"),
        Path.of("..", "..", "schemas", "target", "classes"));
    assertThat(classes.containPackage("dev.intereststream.job")).isTrue();
    assertThat(classes.containPackage("dev.intereststream.cli")).isTrue();
  }

  @Test
  void eachLayerUsesOnlyTheLayersBelowIt() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("Schemas").definedBy("dev.intereststream.schemas..")
        .layer("Contracts").definedBy("dev.intereststream.contracts..")
        .layer("Events").definedBy("dev.intereststream.events..")
        .layer("Scoring").definedBy("dev.intereststream.scoring..")
        .layer("Candidates").definedBy("dev.intereststream.candidates..")
        .layer("Features").definedBy("dev.intereststream.features..")
        .layer("Sinks").definedBy("dev.intereststream.sinks..")
        .layer("Job").definedBy("dev.intereststream.job..")
        .layer("Tools").definedBy("dev.intereststream.cli..", "dev.intereststream.sim..",
            "dev.intereststream.training..", "dev.intereststream.bench..", "dev.intereststream.local..")
        .whereLayer("Tools").mayNotBeAccessedByAnyLayer()
        .whereLayer("Job").mayOnlyBeAccessedByLayers("Tools")
        .whereLayer("Sinks").mayOnlyBeAccessedByLayers("Job", "Tools")
        .whereLayer("Features").mayOnlyBeAccessedByLayers("Job", "Tools")
        .whereLayer("Candidates").mayOnlyBeAccessedByLayers("Features", "Job", "Tools")
        .whereLayer("Scoring").mayOnlyBeAccessedByLayers("Candidates", "Features", "Job", "Tools")
        .whereLayer("Events").mayOnlyBeAccessedByLayers("Candidates", "Features", "Job", "Tools")
        .whereLayer("Contracts").mayOnlyBeAccessedByLayers("Events", "Scoring", "Candidates", "Features", "Sinks",
            "Job", "Tools")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.intereststream.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theSchemasDependOnNothingOfTheJob() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("Schemas").definedBy("dev.intereststream.schemas..")
        .layer("Rest").definedBy("dev.intereststream.(contracts|events|candidates|features|scoring|sinks|job|cli|sim|"
            + "training|bench|local)..")
        .whereLayer("Rest").mayNotBeAccessedByAnyLayer()
        .check(classes);
  }
}
