package com.pbiexport.devstack.powerbi.engine;

import com.pbiexport.devstack.scenario.Capacity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SkuProfileTest {

    @Test
    void currentCapacitiesAllowFiveHundredExportsWithoutPageLimit() {
        for (String sku : new String[] {"F2", "F64", "P5", "A8", "PPU", "unknown"}) {
            assertThat(SkuProfile.of(sku).maxConcurrentExports()).as(sku).isEqualTo(500);
        }
        assertThat(SkuProfile.of("F64").concurrentPages()).isNull();
    }

    @Test
    void olderSkusHaveTheDocumentedConcurrentPageLimits() {
        assertThat(SkuProfile.of("a1").concurrentPages()).isEqualTo(1);
        assertThat(SkuProfile.of("EM1").concurrentPages()).isEqualTo(1);
        assertThat(SkuProfile.of("A2").concurrentPages()).isEqualTo(2);
        assertThat(SkuProfile.of("EM3").concurrentPages()).isEqualTo(3);
        assertThat(SkuProfile.of("A4").concurrentPages()).isEqualTo(6);
        assertThat(SkuProfile.of("P1").concurrentPages()).isEqualTo(6);
        assertThat(SkuProfile.of("A5").concurrentPages()).isEqualTo(12);
        assertThat(SkuProfile.of("P2").concurrentPages()).isEqualTo(12);
        assertThat(SkuProfile.of("A6").concurrentPages()).isEqualTo(24);
        assertThat(SkuProfile.of("P3").concurrentPages()).isEqualTo(24);
    }

    @Test
    void scenarioOverridesWinOverTheProfile() {
        SkuProfile p = SkuProfile.forCapacity(new Capacity("c", null, "A1", null, null, 2, 4));
        assertThat(p.maxConcurrentExports()).isEqualTo(2);
        assertThat(p.concurrentPages()).isEqualTo(4);
        SkuProfile defaults = SkuProfile.forCapacity(new Capacity("c", null, "P2", null, null, null, null));
        assertThat(defaults.maxConcurrentExports()).isEqualTo(500);
        assertThat(defaults.concurrentPages()).isEqualTo(12);
    }
}
