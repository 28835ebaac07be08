package com.pbiexport.worker;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The worker's package rules (docs: one package per pipeline stage, one composition root). Production classes only.
 */
@AnalyzeClasses(packages = "com.pbiexport.worker", importOptions = ArchitectureTest.ProductionClassesOnly.class)
class ArchitectureTest {
    /**
     * ArchUnit's own DoNotIncludeTests knows only {@code target/test-classes}; builds here use other build
     * directory names ({@code -Dbuild.dir.name=...}), so match any {@code test-classes} folder.
     */
    static final class ProductionClassesOnly implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/test-classes/");
        }
    }

    private static final String WORKER = "com.pbiexport.worker..";

    @ArchTest
    static final ArchRule stagesWithoutKafkaNeverImportIt = noClasses()
            .that().resideInAnyPackage("..worker.powerbi..", "..worker.auth..", "..worker.storage..",
                    "..worker.diagnose..", "..worker.config..", "..worker.net..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
            .because("only intake, publish and app talk to Kafka; the rest must work without it");

    @ArchTest
    static final ArchRule configDependsOnNoOtherWorkerPackage = noClasses()
            .that().resideInAPackage("..worker.config..")
            .should().dependOnClassesThat(resideInAPackage(WORKER).and(not(resideInAPackage("..worker.config.."))))
            .because("configuration is read first and by everyone; it must not pull in any stage");

    @ArchTest
    static final ArchRule netDependsOnNoOtherWorkerPackage = noClasses()
            .that().resideInAPackage("..worker.net..")
            .should().dependOnClassesThat(resideInAPackage(WORKER).and(not(resideInAPackage("..worker.net.."))))
            .because("the proxy decision is shared by auth, powerbi and storage; it must not pull in any stage");

    @ArchTest
    static final ArchRule productionCodeNeverUsesTheDevstackOrTestLibraries = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("com.pbiexport.devstack..", "com.pbiexport.testkit..",
                    "com.pbiexport.demo..", "org.junit..", "org.opentest4j..", "org.testcontainers..")
            .because("the devstack and the demo ship apart (module demo, loaded from demo-lib/ through the Demo"
                    + " interface); the worker's runtime classpath carries no broker, simulator or test library");

    @ArchTest
    static final ArchRule nothingDependsOnTheCompositionRoot = noClasses()
            .that().resideOutsideOfPackage("..worker.app..")
            .should().dependOnClassesThat().resideInAPackage("..worker.app..")
            .because("app is the one composition root: it depends on everything, nothing depends on it");

    @ArchTest
    static final ArchRule onlyAppDependsOnMetrics = noClasses()
            .that().resideOutsideOfPackages("..worker.app..", "..worker.metrics..")
            .should().dependOnClassesThat().resideInAPackage("..worker.metrics..")
            .because("stages report through observer interfaces of their own packages; app plugs metrics in");

    @ArchTest
    static final ArchRule exportKnowsNeitherIntakeNorPublish = noClasses()
            .that().resideInAPackage("..worker.export..")
            .should().dependOnClassesThat(resideInAnyPackage("..worker.intake..", "..worker.publish.."))
            .because("the documented direction is intake -> export and publish -> export");

    @ArchTest
    static final ArchRule publishDoesNotKnowIntake = noClasses()
            .that().resideInAPackage("..worker.publish..")
            .should().dependOnClassesThat().resideInAPackage("..worker.intake..")
            .because("the documented direction is intake -> publish");

    @ArchTest
    static final ArchRule pipelineStagesAreFreeOfCycles = slices()
            .matching("com.pbiexport.worker.(intake|export|publish)..")
            .should().beFreeOfCycles();
}
