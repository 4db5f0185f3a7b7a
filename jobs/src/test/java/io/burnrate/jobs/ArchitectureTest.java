package io.burnrate.jobs;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package map of docs/architecture.md, enforced: no two packages of the job module depend on
 * each other in a loop, and dependencies point down the floors (launch → wiring → configuration →
 * concerns → shared helpers). The tools (CLI, demo, simulator) are a module of their own above the
 * job, which cannot import them.
 */
class ArchitectureTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.burnrate.jobs");
  }

  @Test
  void packagesDoNotDependOnEachOtherInALoop() {
    slices().matching("io.burnrate.jobs.(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void dependenciesPointDownTheFloors() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("launch")
        .definedBy("io.burnrate.jobs", "io.burnrate.jobs.run..")
        .layer("wiring")
        .definedBy("io.burnrate.jobs.pipeline..")
        .layer("configuration")
        .definedBy("io.burnrate.jobs.config..")
        .layer("concerns")
        .definedBy(
            "io.burnrate.jobs.allocation..",
            "io.burnrate.jobs.reconcile..",
            "io.burnrate.jobs.anomalies..",
            "io.burnrate.jobs.budgets..",
            "io.burnrate.jobs.rules..",
            "io.burnrate.jobs.actions..",
            "io.burnrate.jobs.training..",
            "io.burnrate.jobs.onprem..")
        .layer("shared")
        .definedBy(
            "io.burnrate.jobs.alerting..",
            "io.burnrate.jobs.parse..",
            "io.burnrate.jobs.eventtime..",
            "io.burnrate.jobs.pricing..",
            "io.burnrate.jobs.lake..",
            "io.burnrate.jobs.metrics..")
        .whereLayer("launch")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("wiring")
        .mayOnlyBeAccessedByLayers("launch")
        .whereLayer("configuration")
        .mayOnlyBeAccessedByLayers("launch", "wiring")
        .whereLayer("concerns")
        .mayOnlyBeAccessedByLayers("launch", "wiring", "configuration", "concerns")
        .check(main);
  }
}
