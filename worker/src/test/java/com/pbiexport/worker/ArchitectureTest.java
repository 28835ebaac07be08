package com.pbiexport.worker;

import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
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
            .because("only intake, jobstate, publish and app talk to Kafka; the rest must work without it");

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
    static final ArchRule exportKnowsNeitherIntakeNorJobStateNorPublish = noClasses()
            .that().resideInAPackage("..worker.export..")
            .should().dependOnClassesThat(resideInAnyPackage("..worker.intake..", "..worker.jobstate..",
                    "..worker.publish.."))
            .because("the documented direction is intake -> jobstate -> publish -> export");

    @ArchTest
    static final ArchRule publishKnowsNeitherIntakeNorJobState = noClasses()
            .that().resideInAPackage("..worker.publish..")
            .should().dependOnClassesThat(resideInAnyPackage("..worker.intake..", "..worker.jobstate.."))
            .because("the documented direction is intake -> jobstate -> publish");

    @ArchTest
    static final ArchRule jobStateDependsOnlyOnExportAndPublish = noClasses()
            .that().resideInAPackage("..worker.jobstate..")
            .should().dependOnClassesThat(resideInAPackage(WORKER).and(not(resideInAnyPackage(
                    "..worker.jobstate..", "..worker.export..", "..worker.publish.."))))
            .because("job state sits between intake (which dispatches to it) and publish (where its records go); "
                    + "from export it needs only StartListener and JobResult");

    @ArchTest
    static final ArchRule onlyIntakeAndAppUseJobState = noClasses()
            .that().resideOutsideOfPackages("..worker.jobstate..", "..worker.intake..", "..worker.app..")
            .should().dependOnClassesThat().resideInAPackage("..worker.jobstate..")
            .because("job state has one owner: the router dispatches to it, app wires it; nobody else reads or "
                    + "writes the job-state topic");

    @ArchTest
    static final ArchRule diagnoseReachesNeitherTheStagesNorTheWiring = noClasses()
            .that().resideInAPackage("..worker.diagnose..")
            .should().dependOnClassesThat(resideInAnyPackage("..worker.app..", "..worker.tenant..",
                    "..worker.export..", "..worker.intake..", "..worker.publish.."))
            .because("the classifier, the doctor and the probes take what they ask through their own interfaces; "
                    + "the tenant wiring and app plug the live clients in");

    @ArchTest
    static final ArchRule onlyAppUsesTheTenantWiring = noClasses()
            .that().resideOutsideOfPackages("..worker.app..", "..worker.tenant..")
            .should().dependOnClassesThat().resideInAPackage("..worker.tenant..")
            .because("the tenant wiring is part of composing the worker: the stages only see what it builds");

    @ArchTest
    static final ArchRule tenantConnectionsAreBuiltInOnePlace = noClasses()
            .that().resideOutsideOfPackages("..worker.tenant..", "..worker.auth..", "..worker.powerbi..")
            .should().callConstructorWhere(describe("a PowerBiClient constructor",
                    call -> call.getTargetOwner().isEquivalentTo(PowerBiClient.class)))
            .orShould().callMethodWhere(describe("TokenService.create",
                    call -> call.getTargetOwner().isEquivalentTo(TokenService.class)
                            && call.getName().equals("create")))
            .because("the worker, doctor and the probes connect to a tenant exactly alike only if one factory "
                    + "(tenant.TenantConnections) builds every token service and Power BI client");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices()
            .matching("com.pbiexport.worker.(*)..")
            .should().beFreeOfCycles()
            .because("dependencies point one way: app -> tenant -> stages -> diagnose -> powerbi, auth -> net, config");

    @ArchTest
    static final ArchRule pipelineStagesAreFreeOfCycles = slices()
            .matching("com.pbiexport.worker.(intake|jobstate|export|publish)..")
            .should().beFreeOfCycles();
}
