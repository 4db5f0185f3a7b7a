package io.burnrate.tools;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The tools' packages (cli, demo, bench, simulator, publish, backtest) never import in a loop. */
class ArchitectureTest {
  @Test
  void packagesDoNotDependOnEachOtherInALoop() {
    slices()
        .matching("io.burnrate.tools.(*)..")
        .should()
        .beFreeOfCycles()
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.burnrate.tools"));
  }
}
